import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, PatternRegistry } from '../../src/index.js';
import { writeIntentVerb } from '../../src/routing/write-intent.js';

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
    'make a note: use pgbouncer',
    'jot down that the freeze starts Monday',
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

/** The commands agents send beyond the seed's (ARCHITECTURE.md, "Agent commands beyond the seed's catalog"). */
const AGENT_EXAMPLES: Record<string, string[]> = {
  forget_by_tag: [
    'remove every note tagged perf',
    'forget everything tagged deploy',
    'delete all memories with tag flaky-test',
    'please drop the notes tagged #perf',
    'can you purge all items tagged tmp',
  ],
  forget_memory: [
    'drop the memory about the stale CRD',
    'forget what I wrote about pgbouncer',
    'forget the redis eviction note',
    'delete my note on the flaky login test',
    'scratch the note about the fmod license',
    'shred the note on the vendor support contact',
    'remove the memory 0b6f2a1e-8c3d-4e5f-9a7b-1c2d3e4f5a6b',
    'forget everything',
  ],
  change_memory: [
    'change the Argo CD note to say we picked Flux',
    'replace my note on pooling with: use pgbouncer in transaction mode',
    'update the memory about the deploy window: deploys now happen at 9am',
    'edit the note on retries so it says three attempts, not five',
    'correct what I said about the cache TTL: it is 10 minutes',
    'update the churn metric definition to say 90 days',
    'make the fmod license note say the license runs until 2028',
    'tweak the thermal paper note so it says every Thursday',
    'amend the CAD/AVL upgrade note to say the upgrade moved to December 19',
  ],
  rename_tag: [
    'rename tag perf to performance',
    'retag k8s as kubernetes',
    'rename the perf tag to performance',
    'rename the ticketing tag to fare-app on my notes',
  ],
  restore_memory: [
    'restore memory 0b6f2a1e-8c3d-4e5f-9a7b-1c2d3e4f5a6b',
    'undelete note 0b6f2a1e-8c3d-4e5f-9a7b-1c2d3e4f5a6b version 2',
  ],
  count_memories: [
    'how many notes do I have',
    'count my notes tagged deploy',
    'how many memories about redis?',
    'number of notes tagged perf',
    'count: notes tagged perf',
  ],
  list_tags: [
    'what tags exist?',
    'what tags do I have',
    'show my tags',
    'list all tags in use',
    'which tags am I using?',
  ],
  ordered_recall: [
    'the 5 newest notes on kubernetes',
    'my two oldest memories',
    'the most important things about billing',
    'show me the 3 most recent notes tagged perf',
    'last 3 notes about deploys',
    'top 5 memories about caching',
  ],
  sorted_recall: [
    'notes tagged ios, newest first',
    'list my oncall notes by importance',
    'show the redis notes sorted by date',
  ],
  pick_memory: ['oldest note tagged perf', 'which note is the most important?', 'latest memory about billing'],
  list_anything: ['give me everything', 'anything new?', 'show me everything written'],
  list_memories: [
    'notes',
    'my notes',
    'show my memories',
    'all notes about the api gateway',
    'what did I store?',
    'deploy notes',
  ],
};

const AGENT_TABLE: Record<string, [string, string, number, number, number]> = {
  forget_by_tag: ['memory', 'forget_by_tag', 90, 10, 0],
  forget_memory: ['memory', 'forget', 90, 9, 0],
  change_memory: ['memory', 'change', 100, 9, 0],
  rename_tag: ['memory', 'rename_tag', 90, 10, 0],
  restore_memory: ['memory', 'restore', 60, 10, 0],
  count_memories: ['memory', 'count', 60, 10, 60],
  list_tags: ['memory', 'list_tags', 50, 11, 60],
  ordered_recall: ['memory', 'list', 100, 10, 300],
  sorted_recall: ['memory', 'list', 100, 10, 300],
  pick_memory: ['memory', 'list', 100, 10, 300],
  list_anything: ['memory', 'list', 100, 6, 300],
  list_memories: ['memory', 'list', 100, 6, 300],
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

  it('has exactly the patterns of the architecture table and the agent commands, with their type, tokens, priority and TTL', () => {
    expect(
      registry
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual([...Object.keys(TABLE), ...Object.keys(AGENT_TABLE)].sort());
    for (const [name, [type, tokens, priority, ttl]] of Object.entries(TABLE)) {
      expect(registry.get(name)).toMatchObject({ patternType: type, costTokens: tokens, priority, cacheTtl: ttl });
    }
    for (const [name, [type, action, tokens, priority, ttl]] of Object.entries(AGENT_TABLE)) {
      expect(registry.get(name)).toMatchObject({
        patternType: type,
        action,
        costTokens: tokens,
        priority,
        cacheTtl: ttl,
      });
    }
  });

  it('agrees with the write-intent guard: write examples open with a write verb, read examples never do', () => {
    for (const [name, queries] of Object.entries({ ...EXAMPLES, ...AGENT_EXAMPLES })) {
      const kind = registry.get(name)!.actionInfo.kind;
      for (const query of queries) {
        const verb = writeIntentVerb(query);
        if (kind === 'read') expect(verb, query).toBeUndefined();
        else if (kind === 'write' && name !== 'store_memory') expect(verb, query).toBeDefined();
      }
    }
  });

  for (const [name, queries] of Object.entries({ ...EXAMPLES, ...AGENT_EXAMPLES })) {
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
    ['show me the status of the migration', 'health_check'],
  ])('does not route "%s" to %s (word boundaries, anchored writes)', (query, wrong) => {
    expect(registry.findMatchingPattern(query)?.name).not.toBe(wrong);
  });

  it.each([
    ['show me database health', 'health_check'],
    ['show me the service status', 'health_check'],
    ['show me the status of the cache', 'health_check'],
    ['show me the stats', 'system_stats'],
    ['give me the cache hit rate', 'system_stats'],
    ['show me the patterns', 'list_patterns'],
  ])('routes "%s" (the verb followed by "me") to %s', (query, name) => {
    expect(registry.findMatchingPattern(query)?.name).toBe(name);
  });

  it('extracts the parameters executors need', () => {
    expect(registry.match('recall items tagged security')?.params).toMatchObject({ tag: 'security' });
    expect(registry.match('save note: use pgbouncer')?.params).toMatchObject({ content: 'use pgbouncer' });
    expect(registry.match('compare redis vs memcached')?.params).toMatchObject({ left: 'redis', right: 'memcached' });
    expect(registry.match('get memories with importance above 0.8')?.params).toMatchObject({ threshold: '0.8' });
    expect(registry.match('compute (10 - 4) / 3')?.params).toMatchObject({ expression: '(10 - 4) / 3' });
    expect(registry.match('check database health')?.params).toMatchObject({ component: 'database' });
    expect(registry.match('show me the status of the cache')?.params).toMatchObject({ of: 'cache' });
  });
});
