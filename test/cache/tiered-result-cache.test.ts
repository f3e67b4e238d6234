import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisCacheTier } from '../../src/cache/redis-cache-tier.js';
import { TieredResultCache, type TieredResultCacheOptions } from '../../src/cache/tiered-result-cache.js';
import { TEST_REDIS_URL, clearRedisPrefix, startDisposableRedis, uniqueName } from '../helpers/services.js';
import { registerResultCacheContract } from './result-cache-contract.js';

type Value = { n: number };

describe.skipIf(!TEST_REDIS_URL)('TieredResultCache on Redis', () => {
  const opened: Array<TieredResultCache<Value>> = [];
  const prefixes: string[] = [];
  /** Two or more of these with one prefix behave like instances of one deployment. */
  const instance = async (prefix: string, url = TEST_REDIS_URL!, options: TieredResultCacheOptions = {}) => {
    const cache = new TieredResultCache<Value>(await RedisCacheTier.connect(url, { keyPrefix: prefix }), options);
    opened.push(cache);
    return cache;
  };
  const newPrefix = (): string => {
    const prefix = uniqueName('tmws_test');
    prefixes.push(prefix);
    return prefix;
  };
  afterEach(async () => {
    while (opened.length > 0) await opened.pop()!.close();
    while (prefixes.length > 0) await clearRedisPrefix(TEST_REDIS_URL!, prefixes.pop()!);
  });

  registerResultCacheContract('tiered (L1 + Redis)', async () => ({
    cache: await instance(newPrefix()),
    cleanup: async () => {},
  }));

  it('serves one instance’s entry to another from L2, then from its own L1', async () => {
    const prefix = newPrefix();
    const [a, b] = [await instance(prefix), await instance(prefix)];
    await a.set('read', { n: 1 }, 60_000);
    expect(await b.get('read')).toEqual({ value: { n: 1 }, tier: 'l2' });
    expect(await b.get('read')).toEqual({ value: { n: 1 }, tier: 'l1' });
    expect(Object.isFrozen((await b.get('read'))!.value)).toBe(true);
  });

  it('makes a write on one instance change the generation every instance reads', async () => {
    const prefix = newPrefix();
    const [a, b] = [await instance(prefix), await instance(prefix)];
    const before = await b.generation('ns');
    await a.invalidateNamespace('ns');
    expect(await b.generation('ns')).toBeGreaterThan(before);
    expect(await a.generation('ns')).toBe(await b.generation('ns'));
  });

  it('lets one instance compute a missing key while the others wait for its value', async () => {
    const prefix = newPrefix();
    // A generous wait, so a slow machine cannot turn the wait into a give-up.
    const [a, b] = [await instance(prefix), await instance(prefix, TEST_REDIS_URL, { fillWaitMs: 60_000 })];
    expect(await a.get('slow')).toBeUndefined(); // a claims the fill
    const waiting = b.get('slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.set('slow', { n: 42 }, 60_000);
    expect(await waiting).toEqual({ value: { n: 42 }, tier: 'l2' });
    expect(b.stats().shared?.fillWaits).toBe(1);
  });

  it('stops the others waiting when the computing instance gives up', async () => {
    const prefix = newPrefix();
    const [a, b] = [await instance(prefix), await instance(prefix, TEST_REDIS_URL, { fillWaitMs: 60_000 })];
    expect(await a.get('failing')).toBeUndefined();
    const waiting = b.get('failing');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.releaseFill('failing');
    expect(await waiting).toBeUndefined();
  });

  it('keeps answering from L1 while its Redis is down, and recovers by itself', async () => {
    const redis = await startDisposableRedis();
    try {
      const prefix = newPrefix();
      const a = await instance(prefix, redis.url, { retryAfterMs: 50 });
      const b = await instance(prefix, redis.url, { retryAfterMs: 50 });
      await a.set('kept', { n: 7 }, 60_000);
      const generation = await b.generation('ns');
      await redis.stop();

      expect(await a.get('kept')).toEqual({ value: { n: 7 }, tier: 'l1' });
      expect(await b.get('kept')).toBeUndefined();
      await a.set('during', { n: 8 }, 60_000);
      expect(await a.get('during')).toEqual({ value: { n: 8 }, tier: 'l1' });
      // Unconfirmed: b's keys move to a generation of its own (one Redis never issues), kept for one revocation bound.
      const unconfirmed = await b.generation('ns');
      expect(unconfirmed).toBeLessThan(0);
      expect(await b.generation('ns')).toBe(unconfirmed);
      await a.invalidateNamespace('ns'); // only a knows, for now
      expect(await a.generation('ns')).not.toBe(generation);
      expect((await a.health()).status).toBe('degraded');
      expect(a.stats().shared?.unsyncedNamespaces).toBe(1);

      await redis.start(); // empty: nothing was persisted
      await expect.poll(async () => (await a.health()).status, { timeout: 10_000, interval: 100 }).toBe('ok');
      // The write made during the outage reaches b once Redis is back, even though Redis lost everything.
      // (b reconnects on its own schedule; until then it keeps its last-known generation.)
      await expect.poll(() => b.generation('ns'), { timeout: 10_000, interval: 100 }).toBeGreaterThan(generation);
      expect(a.stats().shared?.unsyncedNamespaces).toBe(0);
    } finally {
      await redis.stop();
    }
  });

  it('rolls an unconfirmed generation over every bound, and caches no longer than that meanwhile', async () => {
    const redis = await startDisposableRedis();
    try {
      const cache = await instance(newPrefix(), redis.url, { retryAfterMs: 50, revocationBoundMs: 300 });
      await redis.stop();
      const first = await cache.generation('ns');
      await cache.set(`${first}:read`, { n: 1 }, 60_000);
      expect(await cache.get(`${first}:read`)).toMatchObject({ value: { n: 1 } });
      await sleep(350);
      const next = await cache.generation('ns');
      expect(next).not.toBe(first);
      expect(await cache.get(`${first}:read`)).toBeUndefined(); // and its L1 copy has expired too

      const none = await instance(newPrefix(), redis.url, { retryAfterMs: 50, revocationBoundMs: 0 });
      expect(await none.generation('ns')).not.toBe(await none.generation('ns'));
    } finally {
      await redis.stop();
    }
  });
});
