import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { ExecutionResult, PatternExecutionEngine } from '../../src/index.js';
import { createLogger } from '../../src/logging.js';
import { createTestEngine } from '../helpers/engine.js';
import {
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  dropSchema,
  startDisposableRedis,
  uniqueName,
  withParams,
} from '../helpers/services.js';

/** Stores, reads (cached and not) and searches, concurrently, as a busy agent would. */
async function busyRound(engine: PatternExecutionEngine, i: number, namespace: string): Promise<ExecutionResult[]> {
  const context = { agentId: 'agent-1', namespace, tags: ['fault'] };
  return Promise.all([
    engine.execute(`store note: fault fact ${i}`, { context }),
    engine.execute('recall items tagged fault', { context }),
    engine.execute('find similar to fault facts', { context }),
    engine.execute('check health'),
  ]);
}

const healthOf = async (engine: PatternExecutionEngine): Promise<unknown> =>
  (await engine.execute('check health', { useCache: false })).result?.['status'];

async function storedContents(engine: PatternExecutionEngine, namespace: string): Promise<string[]> {
  const contents: string[] = [];
  for await (const memory of engine.exportMemories(namespace)) contents.push(memory.content);
  return contents;
}

// A redis-server of the test's own, killed and restarted mid-run (SQLite keeps this suite
// independent of PostgreSQL; the store is not what is under test here). Gated like the other
// Redis suites, since it needs redis-server installed.
describe.skipIf(!TEST_REDIS_URL)('Redis failures', () => {
  it('keeps every execution succeeding while Redis is killed and restarted', async () => {
    const redis = await startDisposableRedis();
    try {
      const engine = await createTestEngine({ redisUrl: redis.url, logger: createLogger('silent') });
      const namespace = uniqueName('ns');
      const results: ExecutionResult[] = [];
      for (let i = 0; i < 20; i++) results.push(...(await busyRound(engine, i, namespace)));

      await redis.stop();
      for (let i = 20; i < 40; i++) results.push(...(await busyRound(engine, i, namespace)));
      expect(await healthOf(engine)).toBe('degraded');

      await redis.start();
      await expect.poll(() => healthOf(engine), { timeout: 10_000, interval: 100 }).toBe('healthy');
      for (let i = 40; i < 60; i++) results.push(...(await busyRound(engine, i, namespace)));

      expect(results.filter((r) => !r.success)).toEqual([]);
      const acknowledged = results.filter((r) => r.patternName === 'store_memory').length;
      expect(acknowledged).toBe(60);
      expect(await storedContents(engine, namespace)).toHaveLength(60);
      // After recovery a read reflects the writes made while Redis was away.
      const recall = await engine.execute('recall items tagged fault', {
        context: { agentId: 'agent-1', namespace, limit: 100 },
      });
      expect(JSON.stringify(recall.result)).toContain('fault fact 59');
    } finally {
      await redis.stop();
    }
  });

  it('keeps executions succeeding while Redis is paused (CLIENT PAUSE)', async () => {
    const redis = await startDisposableRedis();
    const admin = new Redis(redis.url);
    try {
      const engine = await createTestEngine({ redisUrl: redis.url, logger: createLogger('silent') });
      const namespace = uniqueName('ns');
      const results: ExecutionResult[] = [];
      await admin.client('PAUSE', 1500, 'ALL');
      for (let i = 0; i < 10; i++) results.push(...(await busyRound(engine, i, namespace)));
      expect(results.filter((r) => !r.success)).toEqual([]);
      expect(await storedContents(engine, namespace)).toHaveLength(10);
      expect(engine.getStats().cache.shared?.errors).toBeGreaterThan(0);
    } finally {
      admin.disconnect();
      await redis.stop();
    }
  });

  it.skipIf(!TEST_POSTGRES_URL)('does the same over PostgreSQL', async () => {
    const redis = await startDisposableRedis();
    const schema = uniqueName('tmws_test');
    try {
      const engine = await createTestEngine({
        databaseUrl: withParams(TEST_POSTGRES_URL!, { schema, pool_size: 2 }),
        redisUrl: redis.url,
        logger: createLogger('silent'),
      });
      const namespace = uniqueName('ns');
      const results: ExecutionResult[] = [];
      for (let i = 0; i < 5; i++) results.push(...(await busyRound(engine, i, namespace)));
      await redis.stop();
      for (let i = 5; i < 10; i++) results.push(...(await busyRound(engine, i, namespace)));
      await redis.start();
      for (let i = 10; i < 15; i++) results.push(...(await busyRound(engine, i, namespace)));
      expect(results.filter((r) => !r.success)).toEqual([]);
      expect(await storedContents(engine, namespace)).toHaveLength(15);
      await engine.close();
    } finally {
      await redis.stop();
      await dropSchema(TEST_POSTGRES_URL!, schema);
    }
  });
});
