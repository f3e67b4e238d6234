import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionMode } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';
import {
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  clearRedisPrefix,
  dropSchema,
  uniqueName,
  withParams,
} from '../helpers/services.js';

const services = TEST_POSTGRES_URL && TEST_REDIS_URL;

// The seed's integration workflow (store → recall → analyze), on the shared backends.
describe.skipIf(!services)('seed workflow on PostgreSQL + Redis', () => {
  const schema = uniqueName('tmws_test');
  const prefix = uniqueName('tmws_test');
  const engine = () =>
    createTestEngine({
      databaseUrl: withParams(TEST_POSTGRES_URL!, { schema, pool_size: 2 }),
      redisUrl: TEST_REDIS_URL!,
      redisKeyPrefix: prefix,
    });
  afterAll(async () => {
    await dropSchema(TEST_POSTGRES_URL!, schema);
    await clearRedisPrefix(TEST_REDIS_URL!, prefix);
  });

  it('stores, recalls and analyzes', async () => {
    const e = await engine();
    expect(e.getStats().store.backend).toBe('postgres');
    const store = await e.execute('store test optimization pattern', { useCache: false });
    expect(store.success).toBe(true);

    const recall = await e.execute('recall test optimization pattern');
    expect(recall.success).toBe(true);
    expect((recall.result!['memories'] as unknown[]).length).toBeGreaterThan(0);

    const analyze = await e.execute('analyze optimization patterns', { executionMode: ExecutionMode.COMPREHENSIVE });
    expect(analyze.success).toBe(true);
    expect(analyze.metadata.patternType).toBe('hybrid');
  });

  it('caches a repeated read and reports a healthy shared cache', async () => {
    const e = await engine();
    const first = await e.execute('recall test pattern');
    const second = await e.execute('recall test pattern');
    expect(first.cacheHit).toBe(false);
    expect(second.cacheHit).toBe(true);
    const health = await e.execute('check health', { useCache: false });
    expect(health.result).toMatchObject({
      status: 'healthy',
      checks: { cache: { status: 'ok', tiers: { l2: { status: 'ok' } } } },
    });
  });
});
