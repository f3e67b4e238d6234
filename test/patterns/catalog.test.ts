import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, PatternRegistry } from '../../src/index.js';

/** The examples of ARCHITECTURE.md's default catalog table: each must route to its pattern. */
const EXAMPLES: Record<string, string[]> = {
  health_check: [
    'check health',
    'test status',
    'check service status',
    'check database health',
    'check current status',
  ],
  system_stats: ['show stats', 'get execution statistics', 'show cache hit rate'],
  list_patterns: ['list patterns', 'show registered patterns'],
  quick_calculation: ['calculate 2 + 3 * 4', 'compute (10 - 4) / 3'],
  execute_tool: ['run tool lint', 'execute command build', 'call function resize'],
  store_memory: [
    'store new memory',
    'store optimization result for auth-service',
    'store test optimization pattern',
    'save note: use pgbouncer',
  ],
  recall_by_tag: ['recall items tagged security', 'find memories tagged performance', 'get all tagged optimization'],
  recall_memory: [
    'recall security patterns',
    'recall memories',
    'recall test pattern',
    'recall optimization patterns for auth-service',
  ],
  filter_by_importance: ['show important memories', 'get memories with importance above 0.8'],
  semantic_search: [
    'find similar to connection pooling',
    'find similar optimization cases',
    'search related to caching',
  ],
  semantic_analysis: [
    'analyze performance patterns',
    'examine system behavior',
    'investigate pattern anomalies',
    'analyze system performance',
  ],
  compare_patterns: ['compare caching and pooling', 'compare redis vs memcached'],
  temporal_analysis: ['recent security decisions', 'latest deployment notes'],
};

const TABLE: Record<string, [string, number, number, number]> = {
  health_check: ['infrastructure', 30, 10, 60],
  system_stats: ['infrastructure', 35, 9, 10],
  list_patterns: ['infrastructure', 30, 8, 60],
  quick_calculation: ['infrastructure', 35, 7, 300],
  execute_tool: ['infrastructure', 50, 10, 0],
  store_memory: ['memory', 80, 9, 0],
  recall_by_tag: ['memory', 90, 9, 300],
  recall_memory: ['memory', 100, 8, 300],
  filter_by_importance: ['memory', 85, 7, 300],
  semantic_search: ['hybrid', 150, 9, 300],
  semantic_analysis: ['hybrid', 180, 8, 600],
  compare_patterns: ['hybrid', 180, 8, 300],
  temporal_analysis: ['hybrid', 160, 7, 120],
};

describe('built-in catalog', async () => {
  const registry = new PatternRegistry(await loadBuiltinCatalog());

  it('has exactly the patterns of the architecture table, with their type, tokens, priority and TTL', () => {
    expect(
      registry
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(Object.keys(TABLE).sort());
    for (const [name, [type, tokens, priority, ttl]] of Object.entries(TABLE)) {
      expect(registry.get(name)).toMatchObject({ patternType: type, costTokens: tokens, priority, cacheTtl: ttl });
    }
  });

  for (const [name, queries] of Object.entries(EXAMPLES)) {
    it.each(queries)(`routes "%s" to ${name}`, (query) => {
      expect(registry.findMatchingPattern(query)?.name).toBe(name);
      expect(registry.findMatchingPattern(query.toUpperCase())?.name).toBe(name);
    });
  }

  it.each([
    ['restore the backup', 'store_memory'],
    ['research caching strategies', 'semantic_search'],
    ['reinstall the agent', 'execute_tool'],
    ['recall how we store sessions', 'store_memory'],
    ['recall tagline ideas', 'recall_by_tag'],
    ['calculate 2 + 3 apples', 'quick_calculation'],
  ])('does not route "%s" to %s (word boundaries, anchored writes)', (query, wrong) => {
    expect(registry.findMatchingPattern(query)?.name).not.toBe(wrong);
  });

  it('extracts the parameters executors need', () => {
    expect(registry.match('recall items tagged security')?.params).toMatchObject({ tag: 'security' });
    expect(registry.match('save note: use pgbouncer')?.params).toMatchObject({ content: 'use pgbouncer' });
    expect(registry.match('compare redis vs memcached')?.params).toMatchObject({ left: 'redis', right: 'memcached' });
    expect(registry.match('get memories with importance above 0.8')?.params).toMatchObject({ threshold: '0.8' });
    expect(registry.match('compute (10 - 4) / 3')?.params).toMatchObject({ expression: '(10 - 4) / 3' });
    expect(registry.match('check database health')?.params).toMatchObject({ component: 'database' });
  });
});
