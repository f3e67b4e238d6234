import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SharedCacheTier } from '../cache/shared-cache-tier.js';
import type { SharedTierBackend, SharedTierDeployment } from './subjects.js';

export interface SharedCacheTierSuiteOptions {
  name: string;
  backend: SharedTierBackend;
}

/** What every SharedCacheTier must do. Each backend's spec calls this with its deployments. */
export function sharedCacheTierSuite({ name, backend }: SharedCacheTierSuiteOptions): void {
  describe(`SharedCacheTier contract: ${name}`, () => {
    let deployment: SharedTierDeployment;
    let tier: SharedCacheTier;
    let other: SharedCacheTier;
    beforeEach(async () => {
      deployment = await backend.deployment();
      [tier, other] = [await deployment.connect(), await deployment.connect()];
    });
    afterEach(async () => {
      await tier.close();
      await other.close();
      await deployment.cleanup();
    });

    it('returns a copy of what was set, with its expiry, to every connection', async () => {
      const value = { n: 1, list: ['a'] };
      const before = Date.now();
      await tier.set('k', value, 60_000);
      const entry = await other.get<typeof value>('k');
      expect(entry?.value).toEqual(value);
      expect(entry?.value).not.toBe(value);
      expect(entry!.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
      expect(await tier.get('absent')).toBeUndefined();
    });

    it('forgets an entry once its time to live is over', async () => {
      await tier.set('short', { n: 1 }, 50);
      await sleep(120);
      expect(await tier.get('short')).toBeUndefined();
    });

    it('starts a generation from the clock and only ever raises it', async () => {
      const before = Date.now() * 1000;
      const first = await tier.generation('ns');
      expect(first).toBeGreaterThanOrEqual(before);
      expect(await other.generation('ns')).toBe(first);
      const bumped = await other.bumpGeneration('ns');
      expect(bumped).toBeGreaterThan(first);
      expect(await tier.generation('ns')).toBe(bumped);
      const [a, b] = await tier.bumpGenerations(['ns', 'fresh']);
      expect(a).toBeGreaterThan(bumped);
      expect(b).toBeGreaterThanOrEqual(before);
      expect(await other.generation('fresh')).toBe(b);
    });

    it('gives the right to fill a key to one claimant at a time', async () => {
      expect(await tier.claimFill('key', 'token-a', 60_000)).toBe(true);
      expect(await other.claimFill('key', 'token-b', 60_000)).toBe(false);
      expect(await other.pollFill('key')).toEqual({ kind: 'pending' });
      await other.releaseFill('key', 'token-b'); // not its lock: nothing happens
      expect(await other.pollFill('key')).toEqual({ kind: 'pending' });
      await tier.releaseFill('key', 'token-a');
      expect(await other.pollFill('key')).toEqual({ kind: 'abandoned' });
      expect(await other.claimFill('key', 'token-b', 60_000)).toBe(true);
    });

    it('releases the fill lock when its holder sets the value', async () => {
      expect(await tier.claimFill('key', 'token-a', 60_000)).toBe(true);
      await tier.set('key', { n: 3 }, 60_000, 'token-a');
      expect(await other.pollFill('key')).toMatchObject({ kind: 'filled', entry: { value: { n: 3 } } });
      await tier.clear();
      expect(await other.claimFill('key', 'token-b', 60_000)).toBe(true);
    });

    it('lets a fill lock lapse after its time', async () => {
      expect(await tier.claimFill('key', 'token-a', 50)).toBe(true);
      await sleep(120);
      expect(await other.pollFill('key')).toEqual({ kind: 'abandoned' });
      expect(await other.claimFill('key', 'token-b', 60_000)).toBe(true);
    });

    it('clears entries, generations and locks', async () => {
      await tier.set('k', { n: 1 }, 60_000);
      await tier.bumpGeneration('ns');
      await tier.claimFill('lock', 'token', 60_000);
      await other.clear();
      expect(await tier.get('k')).toBeUndefined();
      expect(await tier.pollFill('lock')).toEqual({ kind: 'abandoned' });
      const now = Date.now() * 1000;
      expect(await tier.generation('ns')).toBeGreaterThanOrEqual(now); // from the clock again
      await expect(tier.ping()).resolves.toBeUndefined();
    });
  });
}
