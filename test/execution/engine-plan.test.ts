import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';

describe('plan, then run', () => {
  it('plans a matched query: pattern, parameters, decision, role and cache policy, frozen', async () => {
    const engine = await createTestEngine();
    const plan = engine.plan('recall items tagged security', { context: { namespace: 'lab', agentId: 'ann' } });
    expect(plan).toMatchObject({
      status: 'run',
      pattern: { name: 'recall_by_tag' },
      params: { tag: 'security' },
      matchedText: 'recall items tagged security',
      decidedBy: 'trigger',
      routing: { patternType: 'memory', confidence: 1, matched: true },
      requiredRole: 'readonly',
      cache: { ttlSeconds: 300, enabled: true, byGeneration: true },
      request: { namespace: 'lab', agentId: 'ann', mode: 'balanced' },
      trace: undefined,
    });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.request)).toBe(true);
    expect(plan.status === 'run' && Object.isFrozen(plan.params)).toBe(true);
  });

  it('states the cache policy each call and pattern implies', async () => {
    const engine = await createTestEngine();
    const uncached = engine.plan('recall memories', { useCache: false });
    expect(uncached.status === 'run' && uncached.cache).toMatchObject({ enabled: false, ttlSeconds: 300, key: '' });
    const write = engine.plan('save note: x');
    expect(write).toMatchObject({ requiredRole: 'agent', cache: { enabled: false, ttlSeconds: 0 } });
    const health = engine.plan('check health');
    expect(health).toMatchObject({ cache: { enabled: true, ttlSeconds: 60, byGeneration: false } });
    // Two callers never share a key; two spellings of one query do.
    const key = (query: string, agentId: string) => {
      const plan = engine.plan(query, { context: { agentId } });
      return plan.status === 'run' ? plan.cache.key : undefined;
    };
    expect(key('recall memories', 'ann')).not.toBe(key('recall memories', 'bob'));
    expect(key('recall memories', 'ann')).toBe(key('  Recall   MEMORIES ', 'ann'));
  });

  it('plans a routed query with the classifier’s decision', async () => {
    const engine = await createTestEngine();
    const plan = engine.plan('how do we represent currency values?');
    expect(plan).toMatchObject({
      status: 'run',
      decidedBy: 'router',
      pattern: { name: 'semantic_search' },
      matchedText: '',
      routing: { patternType: 'hybrid', matched: false },
    });
  });

  it('says why nothing would run, and running it throws that, counted as an execution', async () => {
    const engine = await createTestEngine();
    const unrouted = engine.plan('hello there');
    expect(unrouted).toMatchObject({ status: 'not-found', pattern: null, decidedBy: 'router' });
    const fast = engine.plan('save note: x', { executionMode: 'fast' });
    expect(fast).toMatchObject({
      status: 'not-found',
      decidedBy: 'mode',
      error: { details: { pattern: 'store_memory' } },
    });
    const invalid = engine.plan('   ');
    expect(invalid).toMatchObject({ status: 'invalid', request: undefined, decidedBy: 'input' });

    expect(engine.getStats().totalExecutions).toBe(0); // planning counts nothing
    await expect(engine.run(unrouted)).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.run(fast)).rejects.toThrow(/FAST mode/);
    await expect(engine.run(invalid)).rejects.toBeInstanceOf(ValidationError);
    expect(engine.getStats()).toMatchObject({
      totalExecutions: 3,
      errors: { PATTERN_NOT_FOUND: 2, VALIDATION_ERROR: 1 },
      router: { decisions: 1, belowThreshold: 1 },
    });
  });

  it('lists every candidate when asked to trace', async () => {
    const engine = await createTestEngine();
    const plan = engine.plan('recall items tagged security', { trace: true });
    expect(plan.trace?.candidates.map((c) => c.name)).toEqual([
      'recall_by_tag',
      'recall_memory',
      'list_anything',
      'list_memories',
    ]);
    expect(plan.trace?.winner).toMatchObject({ name: 'recall_by_tag', reason: 'priority' });
    expect(engine.plan('recall items tagged security', { trace: false }).trace).toBeUndefined();
  });

  it('runs a plan as execute would, and only plans it made', async () => {
    const engine = await createTestEngine();
    const plan = engine.plan('calculate 2 + 3');
    const result = await engine.run(plan);
    expect(result).toMatchObject({ patternName: 'quick_calculation', success: true, result: { value: 5 } });
    expect((await engine.execute('calculate 2 + 3')).cacheHit).toBe(true);

    const other = await createTestEngine();
    await expect(other.run(plan)).rejects.toThrow(/not made by this engine/);
    await expect(engine.run({ ...plan })).rejects.toThrow(/not made by this engine/);
  });

  it('accounts a refusal made between planning and running', async () => {
    const engine = await createTestEngine();
    const plan = engine.plan('save note: x', { context: { namespace: 'lab' } });
    const error = engine.refuse(plan, new ForbiddenError('not you'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(engine.getStats({ namespace: 'lab' })).toMatchObject({
      totalExecutions: 1,
      failedExecutions: 1,
      errors: { FORBIDDEN: 1 },
      byPattern: {},
    });
  });

  it('plans a repeated request once: a fresh plan each time, the same decision, until the patterns change', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const engine = await createTestEngine({ clock: () => now });
    const options = { context: { namespace: 'lab', agentId: 'ann' } };
    const first = engine.plan('recall items tagged security', options);
    const again = engine.plan('recall items tagged security', { context: { namespace: 'lab', agentId: 'ann' } });
    expect(again).not.toBe(first);
    expect(Object.isFrozen(again)).toBe(true);
    expect(again.startedAt).toBeGreaterThanOrEqual(first.startedAt);
    expect(again).toMatchObject({ status: 'run', pattern: { name: 'recall_by_tag' }, params: { tag: 'security' } });
    expect(again.status === 'run' && first.status === 'run' && again.cache.key).toBe(
      first.status === 'run' && first.cache.key,
    );
    await engine.run(first);
    await engine.run(again);

    // Another caller, another plan.
    expect(engine.plan('recall items tagged security', { context: { agentId: 'bob' } }).request).toMatchObject({
      agentId: 'bob',
    });

    // A new pattern that wins the match is used at once.
    engine.registerPattern({
      name: 'security_digest',
      pattern_type: 'memory',
      trigger_pattern: String.raw`recall\s+items\s+tagged\s+security`,
      cost_tokens: 50,
      priority: 100,
    });
    expect(engine.plan('recall items tagged security', options)).toMatchObject({
      pattern: { name: 'security_digest' },
    });

    // Validity that depends on the clock is checked each time.
    const expiring = { context: { content: 'rotate keys', expiresAt: now + 1000 } };
    expect(engine.plan('save note: rotate keys', expiring).status).toBe('run');
    now += 2000;
    expect(engine.plan('save note: rotate keys', expiring)).toMatchObject({ status: 'invalid' });
  });

  it('never serves a kept plan for a request that only looks the same', async () => {
    const engine = await createTestEngine();
    expect(engine.plan('calculate 2 + 3').status).toBe('run');
    expect(engine.plan('calculate 2 + 3', { context: { limit: 5 } }).status).toBe('run');
    // Same JSON, different input: each is validated and refused on its own.
    expect(engine.plan('calculate 2 + 3', { context: { limit: 5, bad: () => 1 } })).toMatchObject({
      status: 'invalid',
    });
    expect(engine.plan({ toJSON: () => 'calculate 2 + 3' } as unknown as string)).toMatchObject({ status: 'invalid' });
    expect(engine.plan('calculate 2 + 3', { context: { limit: 5 }, useCache: 'no' } as never)).toMatchObject({
      status: 'invalid',
    });
  });
});
