import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResultCache } from '../cache/result-cache.js';
import type { CacheUnderTest } from './subjects.js';

export interface ResultCacheSuiteOptions {
  name: string;
  /** An empty cache for one test. */
  open: () => Promise<CacheUnderTest>;
}

/** What every ResultCache must do, whatever its tiers. Each backend's spec calls this with a factory. */
export function resultCacheSuite({ name, open: create }: ResultCacheSuiteOptions): void {
  describe(`ResultCache contract: ${name}`, () => {
    let subject: CacheUnderTest;
    let cache: ResultCache<{ n: number }>;
    beforeEach(async () => {
      subject = await create();
      cache = subject.cache;
    });
    afterEach(() => subject.cleanup());

    it('returns what was set, and nothing for other keys', async () => {
      await cache.set('k1', { n: 1 }, 60_000);
      expect((await cache.get('k1'))?.value).toEqual({ n: 1 });
      expect(await cache.get('k2')).toBeUndefined();
    });

    it('never stores an entry with no time to live', async () => {
      await cache.set('k0', { n: 0 }, 0);
      expect(await cache.get('k0')).toBeUndefined();
    });

    it('moves a namespace to a new generation on invalidation, leaving others alone', async () => {
      const before = await cache.generation('ns-a');
      const other = await cache.generation('ns-b');
      await cache.invalidateNamespace('ns-a');
      expect(await cache.generation('ns-a')).not.toBe(before);
      expect(await cache.generation('ns-b')).toBe(other);
    });

    it("drops what it holds under a namespace's generation once the namespace is invalidated", async () => {
      const generation = await cache.generation('ns-a');
      await cache.set(`read\u0001${generation}`, { n: 1 }, 60_000, 'ns-a');
      await cache.set('other', { n: 2 }, 60_000, 'ns-b');
      await cache.set('plain', { n: 3 }, 60_000);
      const held = cache.stats().entries;
      await cache.invalidateNamespace('ns-a');
      expect(cache.stats().entries).toBe(held - 1);
      expect((await cache.get('other', 'ns-b'))?.value).toEqual({ n: 2 });
      expect((await cache.get('plain'))?.value).toEqual({ n: 3 });
    });

    it('counts hits and misses', async () => {
      await cache.set('k', { n: 2 }, 60_000);
      await cache.get('k');
      await cache.get('absent');
      const stats = cache.stats();
      expect(stats.hits).toBeGreaterThanOrEqual(1);
      expect(stats.misses).toBeGreaterThanOrEqual(1);
      expect(stats.entries).toBeGreaterThanOrEqual(1);
    });

    it('reports healthy', async () => {
      expect((await cache.health()).status).toBe('ok');
    });
  });
}
