import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySharedCacheTier } from '../../src/testing/index.js';
import { createPatternExecutionEngine, openMemoryStore, type Memory } from '../../src/index.js';
import { onCleanup, tempDir } from '../helpers/engine.js';

/** Delegates every method to `target` (called on the target itself, whose #private state it keeps) and counts the calls. */
function counting<T extends object>(target: T): { wrapped: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return { wrapped, calls };
}

async function openSqlite() {
  const opened = await openMemoryStore(join(tempDir(), 'memories.db'), { embedder: 'hashing' });
  onCleanup(() => opened.close());
  return opened;
}

describe('backends a caller opened', () => {
  it('runs an engine on a wrapped SQLite store opened with openMemoryStore, and leaves it open', async () => {
    const opened = await openSqlite();
    const store = counting(opened.store);
    const audit = counting(opened.auditLog);
    const executions = counting(opened.executionLog);
    const engine = await createPatternExecutionEngine({
      store: store.wrapped,
      embedder: opened.embedder,
      auditLog: audit.wrapped,
      executionLog: executions.wrapped,
    });

    const saved = await engine.execute('save note: use pgbouncer for connection pooling');
    expect(saved.success).toBe(true);
    const recalled = await engine.execute('recall pgbouncer');
    expect(recalled.success).toBe(true);
    expect((recalled.result!['memories'] as Memory[]).map((m) => m.content)).toEqual([
      'use pgbouncer for connection pooling',
    ]);
    expect(store.calls.get('store')).toBe(1);
    expect(store.calls.get('search')).toBeGreaterThanOrEqual(1);
    await engine.close();

    // The accounting went to the caller's log, and the engine closed nothing of the caller's.
    expect(executions.calls.get('append')).toBeGreaterThanOrEqual(1);
    expect(store.calls.has('close')).toBe(false);
    const scope = { namespace: 'default', agentId: 'default', admin: true };
    expect(await opened.store.count(scope)).toBe(1);
    expect((await opened.executionLog.summary()).executions).toBe(2);
  });

  it('uses a shared cache tier the caller opened and does not close it', async () => {
    const tier = counting(new MemorySharedCacheTier());
    const engine = await createPatternExecutionEngine({ databaseUrl: ':memory:', sharedCache: tier.wrapped });
    await engine.execute('recall test pattern');
    const again = await engine.execute('recall test pattern');
    expect(again.cacheHit).toBe(true);
    expect(tier.calls.get('set')).toBe(1);
    await engine.close();
    expect(tier.calls.has('close')).toBe(false);
  });

  it('refuses a store without the embedder of its vectors, or beside a database URL', async () => {
    const opened = await openSqlite();
    await expect(createPatternExecutionEngine({ store: opened.store })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/options: store: needs the embedder/),
    });
    await expect(
      createPatternExecutionEngine({ store: opened.store, embedder: opened.embedder, databaseUrl: ':memory:' }),
    ).rejects.toThrow(/store: give either a store you opened or databaseUrl/);
    await expect(createPatternExecutionEngine({ store: {} as never, embedder: opened.embedder })).rejects.toThrow(
      /store: must implement MemoryStore/,
    );
  });

  it('refuses a shared tier beside Redis settings', async () => {
    await expect(
      createPatternExecutionEngine({
        databaseUrl: ':memory:',
        sharedCache: new MemorySharedCacheTier(),
        redisTtl: 60,
      }),
    ).rejects.toThrow(/sharedCache: give either a shared tier you opened or redisUrl/);
  });

  it('refuses a bad URL or option to openMemoryStore', async () => {
    await expect(openMemoryStore('')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(openMemoryStore(':memory:', { embedder: 'nope' as never })).rejects.toThrow(/options: embedder/);
  });
});
