import { describe, expect, it } from 'vitest';
import { MemoryNotFoundError, PayloadTooLargeError, UnknownPatternError, ValidationError } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';

const alice = { namespace: 'ops', agentId: 'alice' };
const bob = { namespace: 'ops', agentId: 'bob' };
const recall = (engine: Awaited<ReturnType<typeof createTestEngine>>, scope = alice) =>
  engine.execute('recall memories', { context: { ...scope } });

describe('engine operations for the edges', () => {
  it('storeMemory validates with the execute limits and writes nothing on refusal', async () => {
    const engine = await createTestEngine();
    const refusals: Array<[unknown, typeof ValidationError]> = [
      [{ content: '' }, ValidationError],
      [{ content: 'x'.repeat(40_000) }, PayloadTooLargeError],
      [{ content: 'x', tags: ['no spaces'] }, ValidationError],
      [{ content: 'x', importance: 1.5 }, ValidationError],
      [{ content: 'x', accessLevel: 'secret' }, ValidationError],
      [{ content: 'x', expiresAt: '2001-01-01T00:00:00Z' }, ValidationError],
      [{ content: 'x', metadata: { blob: 'x'.repeat(70_000) } }, PayloadTooLargeError],
      [{ content: 'x', metadata: [] }, ValidationError],
      [{ content: 'x', owner: 'mallory' }, ValidationError],
    ];
    for (const [input, error] of refusals) {
      await expect(
        engine.storeMemory(alice, input as never),
        JSON.stringify(input).slice(0, 60),
      ).rejects.toBeInstanceOf(error);
    }
    await expect(engine.storeMemory({ ...alice, admin: true } as never, { content: 'x' })).rejects.toThrow(/admin/);
    await expect(engine.storeMemory({ namespace: 'ops', agentId: 'bad id' }, { content: 'x' })).rejects.toThrow(
      /agentId/,
    );
    expect(await engine.countMemories({ namespace: 'ops', agentId: 'x', admin: true })).toBe(0);
  });

  it('stores, gets and deletes, invalidating the namespace’s cached reads each time', async () => {
    const engine = await createTestEngine();
    await recall(engine);
    expect((await recall(engine)).cacheHit).toBe(true);

    const { memory, created } = await engine.storeMemory(alice, {
      content: 'use pgbouncer',
      tags: ['db'],
      metadata: { source: 'review' },
      expiresAt: Date.now() + 60_000,
    });
    expect(created).toBe(true);
    expect(memory).toMatchObject({ agentId: 'alice', namespace: 'ops', tags: ['db'], metadata: { source: 'review' } });
    const afterStore = await recall(engine);
    expect(afterStore.cacheHit).toBe(false);
    expect(afterStore.result?.['count']).toBe(1);

    expect((await engine.getMemory(alice, memory.id)).content).toBe('use pgbouncer');
    await expect(engine.getMemory(bob, memory.id)).rejects.toBeInstanceOf(MemoryNotFoundError);
    await expect(engine.deleteMemory(bob, memory.id)).rejects.toBeInstanceOf(MemoryNotFoundError);

    expect((await recall(engine)).cacheHit).toBe(true);
    await engine.deleteMemory(alice, memory.id);
    const afterDelete = await recall(engine);
    expect(afterDelete.cacheHit).toBe(false);
    expect(afterDelete.result?.['count']).toBe(0);
    await expect(engine.deleteMemory(alice, memory.id)).rejects.toBeInstanceOf(MemoryNotFoundError);
  });

  it('searches lexically (with tag and importance filters) or hybrid', async () => {
    const engine = await createTestEngine();
    await engine.storeMemory(alice, { content: 'connection pooling with pgbouncer', tags: ['db'], importance: 0.9 });
    await engine.storeMemory(alice, { content: 'cache warming for the api', tags: ['cache'], importance: 0.3 });
    expect((await engine.searchMemories(alice, { query: 'pooling' })).memories.map((m) => m.content)).toEqual([
      'connection pooling with pgbouncer',
    ]);
    expect((await engine.searchMemories(alice, { tags: ['cache'] })).memories).toHaveLength(1);
    expect((await engine.searchMemories(alice, { minImportance: 0.5 })).memories).toHaveLength(1);
    expect(
      (await engine.searchMemories(alice, { query: 'pgbouncer pooling', mode: 'hybrid' })).memories[0],
    ).toHaveProperty('lexicalRank', 1);
    expect((await engine.searchMemories(bob, {})).memories).toHaveLength(0);
    await expect(engine.searchMemories(alice, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(engine.searchMemories(alice, { query: 'x'.repeat(2001) })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
  });

  it('registers, gets and unregisters patterns; explains without counting', async () => {
    const engine = await createTestEngine();
    const version = engine.registry.version;
    const pattern = engine.registerPattern({
      name: 'audit_report',
      pattern_type: 'memory',
      trigger_pattern: String.raw`generate\s+audit\s+report`,
      cost_tokens: 120,
    });
    expect(engine.registry.version).toBe(version + 1);
    expect(engine.getPattern('audit_report')).toBe(pattern);

    const explanation = engine.explain('generate audit report', 'balanced');
    expect(explanation).toMatchObject({ pattern: 'audit_report', cacheTtl: 300, matched: { action: 'recall' } });
    const routed = engine.explain('what do my notes say about memory and search', 'balanced');
    expect(routed.matched).toBeNull();
    expect(routed.routing.matched).toBe(false);
    expect(engine.explain('save note: x', 'fast')).toMatchObject({ pattern: null, matched: null });
    expect(engine.getStats().router.decisions).toBe(0);
    expect(engine.getStats().totalExecutions).toBe(0);
    expect(() => engine.explain('   ')).toThrow(ValidationError);

    expect(engine.unregisterPattern('audit_report').name).toBe('audit_report');
    expect(() => engine.unregisterPattern('audit_report')).toThrow(UnknownPatternError);
    expect(() => engine.getPattern('nope')).toThrow(UnknownPatternError);
  });

  it('reports health for readiness probes', async () => {
    const engine = await createTestEngine();
    expect(await engine.health()).toMatchObject({ store: { status: 'ok' }, cache: { status: 'ok' } });
    await engine.close();
    expect((await engine.health()).store.status).toBe('down');
  });
});
