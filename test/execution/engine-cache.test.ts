import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { PatternDefinition } from '../../src/index.js';
import { createSpiedEngine, createTestEngine } from '../helpers/engine.js';

describe('result cache', () => {
  it('never caches patterns with a TTL of 0, nor writes', async () => {
    const engine = await createTestEngine({ tools: { now: () => Date.now() } });
    for (let i = 0; i < 3; i++) {
      expect((await engine.execute('run tool now')).cacheHit).toBe(false);
      expect((await engine.execute('save note: same text')).cacheHit).toBe(false);
    }
    expect(engine.getStats().cache.sets).toBe(0);
  });

  it('bypasses the cache when useCache is false, neither reading nor filling it', async () => {
    const engine = await createTestEngine();
    await engine.execute('recall memories');
    expect((await engine.execute('recall memories', { useCache: false })).cacheHit).toBe(false);
    expect((await engine.execute('recall memories')).cacheHit).toBe(true);
    expect(engine.getStats().cache.sets).toBe(1);
  });

  it('expires entries after the pattern TTL', async () => {
    const engine = await createTestEngine();
    engine.registry.register(
      PatternDefinition.fromConfig({
        name: 'blink',
        pattern_type: 'infrastructure',
        trigger_pattern: 'blink',
        cost_tokens: 1,
        cache_ttl: 1,
      }),
    );
    await engine.execute('blink');
    expect((await engine.execute('blink')).cacheHit).toBe(true);
    await sleep(1100);
    expect((await engine.execute('blink')).cacheHit).toBe(false);
  });

  it('keeps at most maxLocalSize entries, evicting the least recently used', async () => {
    const engine = await createTestEngine({ maxLocalSize: 2 });
    await engine.execute('calculate 1 + 1');
    await engine.execute('calculate 2 + 2');
    await engine.execute('calculate 3 + 3');
    expect(engine.getStats().cache.entries).toBe(2);
    expect((await engine.execute('calculate 3 + 3')).cacheHit).toBe(true);
    expect((await engine.execute('calculate 1 + 1')).cacheHit).toBe(false);
  });

  it("drops a namespace's cached reads at its next write, keeping other namespaces' and infrastructure results", async () => {
    const engine = await createTestEngine();
    await engine.execute('recall memories');
    await engine.execute('search for pooling');
    await engine.execute('recall memories', { context: { namespace: 'other' } });
    await engine.execute('calculate 1 + 1');
    expect(engine.getStats().cache.entries).toBe(4);
    await engine.execute('save note: connection pooling settings');
    expect(engine.getStats().cache.entries).toBe(2);
    expect((await engine.execute('calculate 1 + 1')).cacheHit).toBe(true);
    expect((await engine.execute('recall memories', { context: { namespace: 'other' } })).cacheHit).toBe(true);
  });

  it('normalises case and spacing in keys but keeps agent, namespace and mode apart', async () => {
    const engine = await createTestEngine();
    await engine.execute('recall memories');
    expect((await engine.execute('  RECALL   memories ')).cacheHit).toBe(true);
    expect((await engine.execute('recall memories', { context: { agentId: 'other' } })).cacheHit).toBe(false);
    expect((await engine.execute('recall memories', { context: { namespace: 'other' } })).cacheHit).toBe(false);
    expect((await engine.execute('recall memories', { executionMode: 'comprehensive' })).cacheHit).toBe(false);
    expect((await engine.execute('recall memories', { context: { limit: 3 } })).cacheHit).toBe(false);
    // Payload that reads do not use does not split the cache.
    expect((await engine.execute('recall memories', { context: { session_id: 'abc' } })).cacheHit).toBe(true);
  });

  it('serves no result of an older pattern set', async () => {
    const engine = await createTestEngine();
    expect((await engine.execute('recall memories')).patternName).toBe('recall_memory');
    engine.registry.register(
      PatternDefinition.fromConfig({
        name: 'memories_override',
        pattern_type: 'memory',
        trigger_pattern: 'recall memories',
        cost_tokens: 5,
        priority: 50,
      }),
    );
    const after = await engine.execute('recall memories');
    expect(after).toMatchObject({ patternName: 'memories_override', cacheHit: false });
  });

  it('executes concurrent identical misses once', async () => {
    const { engine, calls } = await createSpiedEngine();
    const results = await Promise.all(Array.from({ length: 10 }, () => engine.execute('recall shared cold key')));
    expect(calls.filter((c) => c === 'search')).toHaveLength(1);
    expect(results.filter((r) => !r.cacheHit)).toHaveLength(1);
    expect(results.filter((r) => r.metadata.cacheTier === 'inflight')).toHaveLength(9);
    expect(new Set(results.map((r) => JSON.stringify(r.result))).size).toBe(1);
  });

  it('never returns a stale read after a write to the same namespace', async () => {
    const engine = await createTestEngine();
    expect((await engine.execute('recall deployment notes')).result).toMatchObject({ count: 0 });
    await engine.execute('save note: deployment notes for friday');
    const after = await engine.execute('recall deployment notes');
    expect(after).toMatchObject({ cacheHit: false, result: { count: 1 } });
  });

  it("keeps a namespace's cached reads when another namespace is written", async () => {
    const engine = await createTestEngine();
    await engine.execute('recall deployment notes');
    await engine.execute('save note: deployment notes', { context: { namespace: 'elsewhere' } });
    expect((await engine.execute('recall deployment notes')).cacheHit).toBe(true);
  });

  it('invalidates on imports too', async () => {
    const engine = await createTestEngine();
    await engine.execute('recall imported facts');
    await engine.importMemories([{ namespace: 'default', agentId: 'default', content: 'imported facts arrive' }]);
    expect((await engine.execute('recall imported facts')).result).toMatchObject({ count: 1 });
  });

  it('does not cache a read past the expiry of a memory in it', async () => {
    const engine = await createTestEngine();
    await engine.execute('save note: ephemeral fact', { context: { expiresAt: Date.now() + 300 } });
    expect((await engine.execute('recall ephemeral fact')).result).toMatchObject({ count: 1 });
    expect((await engine.execute('recall ephemeral fact')).cacheHit).toBe(true);
    await sleep(400);
    expect(await engine.execute('recall ephemeral fact')).toMatchObject({ cacheHit: false, result: { count: 0 } });
  });

  it('hands out cached results frozen, so one caller cannot corrupt another', async () => {
    const engine = await createTestEngine();
    await engine.execute('recall memories');
    const hit = await engine.execute('recall memories');
    expect(Object.isFrozen(hit.result)).toBe(true);
    expect(() => {
      (hit.result as Record<string, unknown>)['count'] = 99;
    }).toThrow(TypeError);
  });
});
