import { ExecutionFailedError, ValidationError } from '../../errors.js';
import type { ActionHandler, ActionServices, JsonObject } from './action.js';
import { param } from './action.js';
import { evaluateExpression } from './calculator.js';

type InfrastructureAction = 'health' | 'stats' | 'list_patterns' | 'calculate' | 'execute_tool' | 'match_info';

const STORE_COMPONENTS = new Set(['database', 'db', 'store']);

/** Actions that never read or write memories; a health check only pings the store. */
export function infrastructureActions(services: ActionServices): Record<InfrastructureAction, ActionHandler> {
  return {
    async health(action) {
      // "check database health", "show me the database status", "show me the status of the cache".
      const component = param(action, 'component', 'shown', 'of')?.toLowerCase();
      const checks: Record<string, JsonObject> = {};
      if (component !== 'cache') checks['store'] = await checkStore(services);
      if (component === undefined || !STORE_COMPONENTS.has(component)) {
        const started = performance.now();
        checks['cache'] = { ...(await services.cacheHealth()), latencyMs: elapsed(started) };
      }
      const statuses = Object.values(checks).map((c) => c['status']);
      const status =
        statuses.includes('down') && checks['store']?.['status'] === 'down'
          ? 'unhealthy'
          : statuses.every((s) => s === 'ok')
            ? 'healthy'
            : 'degraded';
      return { result: { status, checks, checkedAt: new Date(services.now()).toISOString() } };
    },

    async stats(action) {
      // The caller's namespace only: every agent may run this pattern, and must not see other namespaces' figures.
      return { result: services.stats(action.scope.namespace) };
    },

    async list_patterns() {
      const patterns = services.registry.list().map((p) => ({
        name: p.name,
        type: p.patternType,
        action: p.action,
        priority: p.priority,
        costTokens: p.costTokens,
        cacheTtl: p.cacheTtl,
        trigger: p.triggerPattern,
        description: p.description ?? null,
      }));
      return { result: { count: patterns.length, version: services.registry.version, patterns } };
    },

    async calculate(action) {
      const expression = param(action, 'expression');
      if (expression === undefined) throw new ValidationError('expression: the query has no expression to calculate');
      return { result: { expression, value: evaluateExpression(expression) } };
    },

    async execute_tool(action) {
      const tool = param(action, 'tool');
      if (tool === undefined) throw new ValidationError('tool: the query names no tool');
      const args = param(action, 'args') ?? '';
      const output = await services.tools.call(tool, { args, scope: action.scope, payload: action.request.payload });
      return { result: { tool, args, output: toJson(output, tool) } };
    },

    async match_info(action) {
      return {
        result: { pattern: action.pattern.name, params: { ...action.params }, matchedText: action.matchedText },
      };
    },
  };
}

async function checkStore(services: ActionServices): Promise<JsonObject> {
  const started = performance.now();
  try {
    await services.store.ping();
    return { status: 'ok', backend: services.store.backend, latencyMs: elapsed(started) };
  } catch (error) {
    return {
      status: 'down',
      backend: services.store.backend,
      latencyMs: elapsed(started),
      error: (error as Error).message,
    };
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** Tool output becomes part of a JSON result, so it must survive JSON. */
function toJson(output: unknown, tool: string): unknown {
  if (output === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(output)) as unknown;
  } catch (error) {
    throw new ExecutionFailedError(`Tool '${tool}' returned a value that is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
