/**
 * @module gateway/read-operation-table
 * The service's own reads HTTP and MCP offer (statistics, the pattern registry, explanations),
 * one entry each like the memory operations (see memory-operation-table.ts).
 */
import { z } from 'zod';
import { hasRole } from '../security/roles.js';
import { offered, readOnly } from './operations.js';
import { toWireExplanation, toWirePattern, toWirePatternList, toWireStats } from './wire.js';
import {
  explainRequestSchema,
  explanationSchema,
  listPatternsQuerySchema,
  patternListSchema,
  patternNameParamsSchema,
  patternSchema,
  statsSchema,
} from './wire-schemas.js';

/**
 * Statistics as a caller may see them: an admin every namespace's, anyone else its own
 * namespace's only; with the status (no figures) of the store and of each cache tier.
 */
export const STATS = offered({
  name: 'stats',
  what: 'Reading statistics',
  role: 'readonly',
  audited: false,
  input: z.strictObject({}),
  output: statsSchema,
  async run(engine, { principal }) {
    const stats = hasRole(principal.role, 'admin')
      ? engine.getStats()
      : engine.getStats({ namespace: principal.namespace });
    const { store, cache } = await engine.health();
    const tiers = Object.fromEntries(
      Object.entries(cache.tiers).map(([name, tier]) => [name, { status: tier.status }]),
    );
    return toWireStats({
      ...stats,
      health: { store: { status: store.status }, cache: { status: cache.status, tiers } },
    });
  },
  http: {
    method: 'GET',
    path: '/pattern/stats',
    summary: 'Execution statistics (role: readonly)',
    tag: 'execute',
    errors: [],
  },
  mcp: {
    name: 'get_stats',
    title: 'Execution statistics',
    description:
      'Executions, success and cache hit rates, latency percentiles per pattern type, tokens used and saved.',
    annotations: readOnly,
  },
});

const PATTERN_LIST = { name: 'pattern.list', what: 'Listing patterns', role: 'readonly', audited: false } as const;

export const LIST_PATTERNS = offered({
  ...PATTERN_LIST,
  input: listPatternsQuerySchema,
  output: patternListSchema,
  run: async (engine, _, { type }) => toWirePatternList(engine.listPatterns(type)),
  http: {
    method: 'GET',
    path: '/patterns',
    summary: 'List patterns in match order (role: readonly)',
    tag: 'patterns',
    query: listPatternsQuerySchema,
    errors: [],
  },
  mcp: {
    name: 'list_patterns',
    title: 'List patterns',
    description:
      'The registered patterns in match order, with their triggers, costs, cache TTLs and the role each needs.',
    annotations: readOnly,
  },
});

export const GET_PATTERN = offered({
  ...PATTERN_LIST,
  input: patternNameParamsSchema,
  output: patternSchema,
  run: async (engine, _, { name }) => toWirePattern(engine.getPattern(name)),
  http: {
    method: 'GET',
    path: '/patterns/:name',
    summary: 'One pattern (role: readonly)',
    tag: 'patterns',
    params: patternNameParamsSchema,
    errors: [404],
  },
});

export const EXPLAIN = offered({
  name: 'pattern.explain',
  what: 'Explaining queries',
  role: 'readonly',
  audited: false,
  input: explainRequestSchema,
  output: explanationSchema,
  run: async (engine, _, { query, mode }) => toWireExplanation(engine.explain(query, mode)),
  http: {
    method: 'POST',
    path: '/patterns/explain',
    summary: 'Which pattern a query would run, and why, without running it (role: readonly)',
    tag: 'patterns',
    body: explainRequestSchema,
    errors: [413],
  },
  mcp: {
    name: 'explain_query',
    title: 'Explain a query',
    description:
      'Which pattern a query would run in a mode, its parameters, and the routing decision, without running it.',
    annotations: readOnly,
  },
});
