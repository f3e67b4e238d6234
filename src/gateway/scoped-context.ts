import { ForbiddenError } from '../errors.js';
import type { Principal } from '../security/roles.js';

/** Context keys (and their aliases) that name who acts and where; only the credential may set them. */
const SCOPE_KEYS: ReadonlyArray<[key: string, field: 'agentId' | 'namespace']> = [
  ['agentId', 'agentId'],
  ['agent_id', 'agentId'],
  ['agent', 'agentId'],
  ['namespace', 'namespace'],
];

/**
 * The execution context with the caller's agent and namespace put in. A body that names the
 * same agent or namespace as the credential is accepted (the seed's examples send
 * `agent`); one that names another is refused, never silently obeyed or ignored.
 * Anything that is not a plain object is returned as is, for the engine to reject.
 */
export function scopeContext(context: unknown, principal: Principal): unknown {
  if (context === undefined) return { agentId: principal.agentId, namespace: principal.namespace };
  if (typeof context !== 'object' || context === null || Array.isArray(context)) return context;
  const scoped: Record<string, unknown> = { ...(context as Record<string, unknown>) };
  for (const [key, field] of SCOPE_KEYS) {
    if (!Object.hasOwn(scoped, key)) continue;
    if (scoped[key] !== principal[field]) {
      throw new ForbiddenError(
        `context.${key}: you are authenticated as agent '${principal.agentId}' in namespace '${principal.namespace}'; the ${field === 'agentId' ? 'agent' : 'namespace'} comes from your credential, not the request`,
        { details: { field: key } },
      );
    }
    delete scoped[key];
  }
  scoped['agentId'] = principal.agentId;
  scoped['namespace'] = principal.namespace;
  return scoped;
}
