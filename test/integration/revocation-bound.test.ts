import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { PatternExecutionEngine } from '../../src/index.js';
import { createLogger } from '../../src/logging.js';
import { createTestEngine, onCleanup, tempDir } from '../helpers/engine.js';
import { TEST_REDIS_URL, startDisposableRedis, type DisposableRedis } from '../helpers/services.js';

/** The documented bound: while generations cannot be confirmed, no cached read older than this is served. */
const BOUND_MS = 2000;
const SECRET = 'the break-glass password is under the keyboard';
const alice = { namespace: 'lab', agentId: 'alice' };
const bob = { namespace: 'lab', agentId: 'bob' };

/** Two instances (engines of their own, each with its L1) on one store and one Redis of the test's own. */
async function twoInstances(): Promise<{
  a: PatternExecutionEngine;
  b: PatternExecutionEngine;
  redis: DisposableRedis;
}> {
  const redis = await startDisposableRedis();
  onCleanup(() => redis.stop());
  const databaseUrl = join(tempDir(), 'shared.db');
  const options = { databaseUrl, redisUrl: redis.url, logger: createLogger('silent') };
  const a = await createTestEngine(options);
  const b = await createTestEngine(options);
  return { a, b, redis };
}

/** Bob's recall through B: whether it shows the secret, and whether it came from the cache. */
async function bobSees(b: PatternExecutionEngine): Promise<{ secret: boolean; cacheHit: boolean }> {
  const result = await b.execute('recall items tagged vault', { context: bob });
  expect(result.success).toBe(true);
  return { secret: JSON.stringify(result.result).includes(SECRET), cacheHit: result.cacheHit };
}

const shareWithBob = (a: PatternExecutionEngine) =>
  a.storeMemory(alice, { content: SECRET, tags: ['vault'], accessLevel: 'shared', sharedWith: ['bob'] });

describe.skipIf(!TEST_REDIS_URL)('revocation bound across instances while Redis is down', () => {
  it('serves no read cached before the outage once Redis is gone', async () => {
    const { a, b, redis } = await twoInstances();
    const { memory } = await shareWithBob(a);
    await bobSees(b);
    expect(await bobSees(b)).toEqual({ secret: true, cacheHit: true });

    await redis.stop();
    await a.updateMemory(alice, memory.id, { accessLevel: 'private' });
    expect((await bobSees(b)).secret).toBe(false);
  });

  it('serves what it cached during the outage for at most the bound after a revocation elsewhere', async () => {
    for (const revoke of ['private', 'delete'] as const) {
      const { a, b, redis } = await twoInstances();
      const { memory } = await shareWithBob(a);
      await redis.stop();
      await bobSees(b);
      // Cached during the outage, under a generation of B's own: served while young.
      expect(await bobSees(b)).toEqual({ secret: true, cacheHit: true });

      const revokedAt = performance.now();
      if (revoke === 'private') await a.updateMemory(alice, memory.id, { accessLevel: 'private' });
      else await a.deleteMemory(alice, memory.id);
      let lastStaleAt = -Infinity;
      for (;;) {
        const seen = await bobSees(b);
        if (!seen.secret) break;
        lastStaleAt = performance.now();
        await sleep(50);
      }
      // The entry B served stale was cached before the revocation, so it cannot outlive it by more than the bound.
      expect(lastStaleAt - revokedAt, revoke).toBeLessThanOrEqual(BOUND_MS);
      await sleep(BOUND_MS);
      expect((await bobSees(b)).secret, revoke).toBe(false);
    }
  }, 30_000);

  it('does not go back to reads cached before a pause when Redis answers again', async () => {
    const { a, b, redis } = await twoInstances();
    const { memory } = await shareWithBob(a);
    await bobSees(b);
    expect(await bobSees(b)).toEqual({ secret: true, cacheHit: true });

    redis.pause(); // SIGSTOP: Redis keeps its generations, answers nothing
    try {
      await a.updateMemory(alice, memory.id, { accessLevel: 'private' }); // A cannot bump the generation
      expect((await bobSees(b)).secret).toBe(false);
    } finally {
      redis.resume();
    }
    // Whichever instance speaks to Redis first retires the generations it knows.
    for (let i = 0; i < 20; i++) {
      expect((await bobSees(b)).secret).toBe(false);
      await sleep(100);
    }
    expect((await a.execute('recall items tagged vault', { context: alice })).result).toMatchObject({ count: 1 });
  });
});
