/**
 * @module security/roles
 * Who is calling, and what their role lets them do. Roles are ordered: each includes the
 * ones before it (`readonly` < `agent` < `admin`).
 */
import { ForbiddenError } from '../errors.js';
import { ROLES, type Role } from '../patterns/definition.js';

export { ROLES, type Role };
/** What a pattern needs is part of its plan; decided in the engine. */
export { requiredRoleFor } from '../execution/required-role.js';

/** The authenticated caller. Agent and namespace scope every read and write; they come from the credential only. */
export interface Principal {
  agentId: string;
  namespace: string;
  role: Role;
  /** How the caller proved who it is, for logs: `api-key:<id>`, `jwt`, `local`. */
  credential: string;
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function hasRole(have: Role, need: Role): boolean {
  return roleRank(have) >= roleRank(need);
}

/** The highest of the roles given; undefined when none is a known role. */
export function highestRole(roles: readonly unknown[]): Role | undefined {
  let best: Role | undefined;
  for (const role of roles) {
    if (typeof role === 'string' && (ROLES as readonly string[]).includes(role)) {
      if (best === undefined || roleRank(role as Role) > roleRank(best)) best = role as Role;
    }
  }
  return best;
}

/** Throws ForbiddenError naming the role the caller has and the one `what` needs. */
export function assertRole(principal: Principal, need: Role, what: string): void {
  if (hasRole(principal.role, need)) return;
  throw new ForbiddenError(`${what} needs the '${need}' role; agent '${principal.agentId}' has '${principal.role}'`, {
    details: { required_role: need, role: principal.role },
  });
}
