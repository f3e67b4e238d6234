import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { SharedCacheTier } from '../cache/shared-cache-tier.js';
import { TieredResultCache, type TieredResultCacheOptions } from '../cache/tiered-result-cache.js';
import { resultCacheSuite } from './result-cache-suite.js';
import type { SharedTierBackend } from './subjects.js';

export interface TieredResultCacheSuiteOptions {
  name: string;
  backend: SharedTierBackend;
}

type Value = { n: number };

/**
 * What TieredResultCache does over any SharedCacheTier: sharing between instances,
 * invalidation, fill locks, and degrading (then recovering) when the shared tier goes away.
 * Each shared tier's spec calls this with its deployments; the outage tests need `disposable`.
 */
export function tieredResultCacheSuite({ name, backend }: TieredResultCacheSuiteOptions): void {
  describe(`TieredResultCache over ${name}`, () => {
    const opened: Array<TieredResultCache<Value>> = [];
    const cleanups: Array<() => Promise<void>> = [];
    /** Two or more caches on one deployment behave like instances of one service. */
    const instance = async (
      shared: { connect(): Promise<SharedCacheTier> },
      options: TieredResultCacheOptions = {},
    ): Promise<TieredResultCache<Value>> => {
      const cache = new TieredResultCache<Value>(await shared.connect(), options);
      opened.push(cache);
      return cache;
    };
    const deployment = async () => {
      const created = await backend.deployment();
      cleanups.push(() => created.cleanup());
      return created;
    };
    const disposable = async () => {
      const created = await backend.disposable!();
      cleanups.push(() => created.stop());
      return created;
    };
    afterEach(async () => {
      while (opened.length > 0) await opened.pop()!.close();
      while (cleanups.length > 0) await cleanups.pop()!();
    });

    resultCacheSuite({
      name: `tiered (L1 + ${name})`,
      open: async () => ({ cache: await instance(await deployment()), cleanup: async () => {} }),
    });

    it('serves one instance’s entry to another from L2, then from its own L1', async () => {
      const shared = await deployment();
      const [a, b] = [await instance(shared), await instance(shared)];
      await a.set('read', { n: 1 }, 60_000);
      expect(await b.get('read')).toEqual({ value: { n: 1 }, tier: 'l2' });
      expect(await b.get('read')).toEqual({ value: { n: 1 }, tier: 'l1' });
      expect(Object.isFrozen((await b.get('read'))!.value)).toBe(true);
    });

    it('makes a write on one instance change the generation every instance reads', async () => {
      const shared = await deployment();
      const [a, b] = [await instance(shared), await instance(shared)];
      const before = await b.generation('ns');
      await a.invalidateNamespace('ns');
      expect(await b.generation('ns')).toBeGreaterThan(before);
      expect(await a.generation('ns')).toBe(await b.generation('ns'));
    });

    it("drops an instance's in-process entries of a namespace another instance wrote to, once it reads the new generation", async () => {
      const shared = await deployment();
      const [a, b] = [await instance(shared), await instance(shared)];
      const generation = await b.generation('ns');
      await b.set(`read\u0001${generation}`, { n: 1 }, 60_000, 'ns');
      await b.set('elsewhere', { n: 2 }, 60_000, 'other');
      expect(b.stats().entries).toBe(2);
      await a.invalidateNamespace('ns');
      await b.generation('ns');
      expect(b.stats().entries).toBe(1);
    });

    it('lets one instance compute a missing key while the others wait for its value', async () => {
      const shared = await deployment();
      // A generous wait, so a slow machine cannot turn the wait into a give-up.
      const [a, b] = [await instance(shared), await instance(shared, { fillWaitMs: 60_000 })];
      expect(await a.get('slow')).toBeUndefined(); // a claims the fill
      const waiting = b.get('slow');
      await sleep(50);
      await a.set('slow', { n: 42 }, 60_000);
      expect(await waiting).toEqual({ value: { n: 42 }, tier: 'l2' });
      expect(b.stats().shared?.fillWaits).toBe(1);
    });

    it('stops the others waiting when the computing instance gives up', async () => {
      const shared = await deployment();
      const [a, b] = [await instance(shared), await instance(shared, { fillWaitMs: 60_000 })];
      expect(await a.get('failing')).toBeUndefined();
      const waiting = b.get('failing');
      await sleep(50);
      await a.releaseFill('failing');
      expect(await waiting).toBeUndefined();
    });

    // Registered only for a backend whose server a test can stop and start.
    if (backend.disposable) {
      it('keeps answering from L1 while the shared tier is down, and recovers by itself', async () => {
        const server = await disposable();
        const a = await instance(server, { retryAfterMs: 50 });
        const b = await instance(server, { retryAfterMs: 50 });
        await a.set('kept', { n: 7 }, 60_000);
        const generation = await b.generation('ns');
        await server.stop();

        expect(await a.get('kept')).toEqual({ value: { n: 7 }, tier: 'l1' });
        expect(await b.get('kept')).toBeUndefined();
        await a.set('during', { n: 8 }, 60_000);
        expect(await a.get('during')).toEqual({ value: { n: 8 }, tier: 'l1' });
        // Unconfirmed: b's keys move to a generation of its own (one the shared tier never issues), kept for one revocation bound.
        const unconfirmed = await b.generation('ns');
        expect(unconfirmed).toBeLessThan(0);
        expect(await b.generation('ns')).toBe(unconfirmed);
        await a.invalidateNamespace('ns'); // only a knows, for now
        expect(await a.generation('ns')).not.toBe(generation);
        expect((await a.health()).status).toBe('degraded');
        expect(a.stats().shared?.unsyncedNamespaces).toBe(1);

        await server.start(); // empty: nothing was persisted
        await expect.poll(async () => (await a.health()).status, { timeout: 10_000, interval: 100 }).toBe('ok');
        // The write made during the outage reaches b once the tier is back, even though it lost everything.
        // (b reconnects on its own schedule; until then it keeps its last-known generation.)
        await expect.poll(() => b.generation('ns'), { timeout: 10_000, interval: 100 }).toBeGreaterThan(generation);
        expect(a.stats().shared?.unsyncedNamespaces).toBe(0);
      });

      it('rolls an unconfirmed generation over every bound, and caches no longer than that meanwhile', async () => {
        const server = await disposable();
        const cache = await instance(server, { retryAfterMs: 50, revocationBoundMs: 300 });
        await server.stop();
        const first = await cache.generation('ns');
        await cache.set(`${first}:read`, { n: 1 }, 60_000);
        expect(await cache.get(`${first}:read`)).toMatchObject({ value: { n: 1 } });
        await sleep(350);
        const next = await cache.generation('ns');
        expect(next).not.toBe(first);
        expect(await cache.get(`${first}:read`)).toBeUndefined(); // and its L1 copy has expired too

        const none = await instance(server, { retryAfterMs: 50, revocationBoundMs: 0 });
        expect(await none.generation('ns')).not.toBe(await none.generation('ns'));
      });
    }
  });
}
