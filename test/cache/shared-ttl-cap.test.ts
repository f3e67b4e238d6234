import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openRedisCacheTier } from '../../src/cache/open-redis-cache-tier.js';
import { TieredResultCache } from '../../src/cache/tiered-result-cache.js';
import { MemorySharedCacheTier } from '../../src/testing/index.js';
import { TEST_REDIS_URL } from '../helpers/services.js';

describe('the cap on a shared entry’s life belongs to the shared tier', () => {
  it('keeps no entry, in either tier, longer than the tier’s maxTtlMs', async () => {
    const tier = Object.assign(new MemorySharedCacheTier(), { maxTtlMs: 80 });
    const [a, b] = [new TieredResultCache<{ n: number }>(tier), new TieredResultCache<{ n: number }>(tier)];
    try {
      await a.set('k', { n: 1 }, 60_000);
      expect(await b.get('k')).toMatchObject({ tier: 'l2' });
      await sleep(150);
      expect(await a.get('k')).toBeUndefined();
      expect(await b.get('k')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a bad option of the Redis tier by name, before connecting', async () => {
    await expect(openRedisCacheTier('redis://127.0.0.1:1', { keyPrefix: 'has space' })).rejects.toThrow(
      /options: keyPrefix: must be 1–64 letters/,
    );
    await expect(openRedisCacheTier('redis://127.0.0.1:1', { maxTtl: 0 })).rejects.toThrow(/options: maxTtl/);
  });

  it.skipIf(!TEST_REDIS_URL)('takes the Redis tier’s maxTtl (the engine’s redisTtl) in seconds', async () => {
    const tier = await openRedisCacheTier(TEST_REDIS_URL!, { maxTtl: 7, keyPrefix: 'tmws_test_cap' });
    try {
      expect(tier.maxTtlMs).toBe(7000);
    } finally {
      await tier.close();
    }
    const defaulted = await openRedisCacheTier(TEST_REDIS_URL!, { keyPrefix: 'tmws_test_cap' });
    expect(defaulted.maxTtlMs).toBe(3_600_000);
    await defaulted.close();
  });
});
