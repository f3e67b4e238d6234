/**
 * The seed guide's tests and examples, translated to TypeScript and run against the real
 * SQLite store. The seed's timing assertions (e.g. "< 50 ms") live in `npm run bench`, not here.
 */
import { describe, expect, it } from 'vitest';
import { ExecutionMode, NotFoundError, PatternDefinition, PatternType, ValidationError } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';

describe('seed: quickstart', () => {
  it('executes "recall security patterns" and reports statistics', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('recall security patterns');
    expect(result.patternName).toBe('recall_memory');
    expect(result.success).toBe(true);
    expect(result.tokensUsed).toBe(100);
    expect(result.executionTimeMs).toBeGreaterThan(0);
    const stats = engine.getStats();
    expect(stats.totalExecutions).toBe(1);
    expect(stats.cacheHitRate).toBe(0);
  });
});

describe('seed: unit tests', () => {
  it('test_infrastructure_pattern', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('check database health', { executionMode: ExecutionMode.FAST });
    expect(result.success).toBe(true);
    expect(result.tokensUsed).toBeLessThanOrEqual(50);
    expect(result.metadata.patternType).toBe('infrastructure');
    expect(result.result).toMatchObject({ status: 'healthy', checks: { store: { status: 'ok', backend: 'sqlite' } } });
  });

  it('test_memory_pattern', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('recall security patterns', { executionMode: ExecutionMode.BALANCED });
    expect(result.success).toBe(true);
    expect(result.tokensUsed).toBeLessThanOrEqual(100);
    expect(result.metadata.patternType).toBe('memory');
  });

  it('test_hybrid_pattern', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('analyze system performance', { executionMode: ExecutionMode.COMPREHENSIVE });
    expect(result.success).toBe(true);
    expect(result.tokensUsed).toBeLessThanOrEqual(200);
    expect(result.metadata.patternType).toBe('hybrid');
  });

  // The seed also asserts the hit is 10× faster; that ratio is measured by `npm run bench`, not asserted here.
  it('test_caching: the second identical call is a hit with the same result', async () => {
    const engine = await createTestEngine();
    await engine.execute('save note: test pattern for caching');
    const first = await engine.execute('recall test pattern');
    expect(first.cacheHit).toBe(false);
    const second = await engine.execute('recall test pattern');
    expect(second.cacheHit).toBe(true);
    expect(second.result).toEqual(first.result);
    expect(second.tokensUsed).toBe(0);
    expect(second.metadata.tokensSaved).toBe(100);
  });

  it('test_custom_pattern_registration', async () => {
    const engine = await createTestEngine();
    const custom = PatternDefinition.fromConfig({
      name: 'test_pattern',
      pattern_type: 'infrastructure',
      trigger_pattern: String.raw`test\s+custom\s+pattern`,
      cost_tokens: 50,
      priority: 10,
    });
    engine.registry.register(custom);
    const result = await engine.execute('test custom pattern');
    expect(result.patternName).toBe('test_pattern');
    expect(result.success).toBe(true);
  });
});

describe('seed: integration and performance', () => {
  it('test_end_to_end_workflow: store → recall → analyze', async () => {
    const engine = await createTestEngine();
    const store = await engine.execute('store test optimization pattern', { useCache: false });
    expect(store.success).toBe(true);

    const recall = await engine.execute('recall test optimization pattern');
    expect(recall.success).toBe(true);
    expect((recall.result!['memories'] as unknown[]).length).toBeGreaterThan(0);

    const analyze = await engine.execute('analyze optimization patterns', { executionMode: ExecutionMode.HYBRID });
    expect(analyze.success).toBe(true);
    expect(analyze.result).toMatchObject({ matched: 1, tagDistribution: [], importance: { mean: 0.5 } });
  });

  it('test_cache_effectiveness: > 80 % hit rate over 100 identical queries', async () => {
    const engine = await createTestEngine();
    for (let i = 0; i < 100; i++) await engine.execute('recall test pattern');
    expect(engine.getStats().cacheHitRate).toBeGreaterThan(80);
  });

  it('test_infrastructure_performance runs 100 uncached health checks successfully', async () => {
    const engine = await createTestEngine();
    for (let i = 0; i < 100; i++) {
      const result = await engine.execute('check health', { executionMode: ExecutionMode.FAST, useCache: false });
      expect(result.success && !result.cacheHit).toBe(true);
    }
    expect(engine.getStats().latencyMs.byType.infrastructure.samples).toBe(100);
  });
});

describe('seed: guide examples', () => {
  it('Step 5: a custom memory pattern matches its test queries', async () => {
    const engine = await createTestEngine();
    engine.registry.register(
      PatternDefinition.fromConfig({
        name: 'database_optimization',
        pattern_type: 'memory',
        trigger_pattern: String.raw`optimize\s+(database|query|index)`,
        cost_tokens: 120,
        priority: 10,
        cache_ttl: 300,
        metadata: {
          category: 'optimization',
          description: 'Database optimization pattern',
          author: 'artemis',
          version: '1.0',
        },
      }),
    );
    for (const query of ['optimize database performance', 'optimize query execution', 'optimize index usage']) {
      const result = await engine.execute(query);
      expect(result.patternName).toBe('database_optimization');
      expect(result.success).toBe(true);
    }
  });

  it('Example 2: registers a batch of custom patterns', async () => {
    const engine = await createTestEngine();
    engine.registry.registerBatch(
      [
        {
          name: 'performance_alert',
          pattern_type: 'infrastructure',
          trigger_pattern: 'alert.*performance.*degradation',
          cost_tokens: 40,
          priority: 10,
          metadata: { category: 'monitoring' },
        },
        {
          name: 'audit_report',
          pattern_type: 'memory',
          trigger_pattern: String.raw`generate\s+audit\s+report`,
          cost_tokens: 120,
          priority: 8,
          metadata: { category: 'compliance' },
        },
      ].map((p) => PatternDefinition.fromConfig(p)),
    );
    expect((await engine.execute('alert: performance degradation on api')).patternName).toBe('performance_alert');
    expect((await engine.execute('generate audit report')).patternName).toBe('audit_report');
  });

  it('Example 3: batch processing in parallel reports successes and failures', async () => {
    const engine = await createTestEngine();
    const queries = ['check health', 'recall memories', 'gibberish zzz', 'calculate 1 / 0'];
    const results = await Promise.allSettled(queries.map((q) => engine.execute(q)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.success : 'thrown'))).toEqual([
      true,
      true,
      'thrown',
      false,
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError);
  });

  it('Example 4: the Artemis optimizer workflow', async () => {
    const engine = await createTestEngine();
    engine.registry.registerBatch([
      PatternDefinition.fromConfig({
        name: 'code_optimization',
        pattern_type: 'hybrid',
        trigger_pattern: String.raw`optimize\s+(code|function|algorithm)`,
        cost_tokens: 180,
        priority: 10,
      }),
      PatternDefinition.fromConfig({
        name: 'performance_analysis',
        pattern_type: 'hybrid',
        trigger_pattern: String.raw`analyze\s+performance`,
        cost_tokens: 200,
        priority: 9,
      }),
    ]);
    const component = 'auth-service';
    const context = { agent: 'artemis', component };
    const past = await engine.execute(`recall optimization patterns for ${component}`, { context });
    const current = await engine.execute(`analyze current ${component} performance`, {
      executionMode: ExecutionMode.HYBRID,
      context,
    });
    const similar = await engine.execute('find similar optimization cases', {
      executionMode: ExecutionMode.HYBRID,
      context,
    });
    expect([past.patternName, current.patternName, similar.patternName]).toEqual([
      'recall_memory',
      'semantic_analysis',
      'semantic_search',
    ]);

    const plan = { steps: ['cache token lookups', 'pool connections'] };
    const stored = await engine.execute(`store optimization result for ${component}`, {
      context: { ...context, plan },
    });
    expect(stored.success).toBe(true);
    expect(stored.result).toMatchObject({
      created: true,
      memory: { agentId: 'artemis', content: 'optimization result for auth-service', metadata: { component, plan } },
    });

    const again = await engine.execute(`recall optimization patterns for ${component}`, { context });
    expect(again.cacheHit).toBe(false); // the store invalidated the cached recall
    expect((again.result!['memories'] as Array<{ content: string }>).map((m) => m.content)).toContain(
      'optimization result for auth-service',
    );
  });

  it('Error handling: NotFoundError for no pattern, ValidationError for invalid input', async () => {
    const engine = await createTestEngine();
    await expect(engine.execute('xyzzy plugh')).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.execute('')).rejects.toBeInstanceOf(ValidationError);
  });

  it('Context usage: structured context is accepted; agent_id scopes the memory', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('save note: prefer structured context', {
      context: {
        agent_id: 'artemis',
        session_id: 's-1',
        priority: 'high',
        workflow: 'optimization',
        timestamp: new Date().toISOString(),
      },
    });
    expect(result.result).toMatchObject({
      memory: { agentId: 'artemis', metadata: { session_id: 's-1', priority: 'high' } },
    });
  });

  it('PatternType values are the seed strings', () => {
    expect([PatternType.INFRASTRUCTURE, PatternType.MEMORY, PatternType.HYBRID]).toEqual([
      'infrastructure',
      'memory',
      'hybrid',
    ]);
  });
});
