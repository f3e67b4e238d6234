import { RedisCacheTier } from '../../src/cache/redis-cache-tier.js';
import type { SharedCacheTier } from '../../src/cache/shared-cache-tier.js';
import { MemorySharedCacheTier, type SharedTierBackend } from '../../src/testing/index.js';
import { clearRedisPrefix, startDisposableRedis, uniqueName } from '../helpers/services.js';

export function redisBackend(url: string): SharedTierBackend {
  return {
    deployment: async () => {
      const prefix = uniqueName('tmws_test');
      return {
        connect: () => RedisCacheTier.connect(url, { keyPrefix: prefix }),
        cleanup: () => clearRedisPrefix(url, prefix),
      };
    },
    disposable: async () => {
      const redis = await startDisposableRedis();
      const prefix = uniqueName('tmws_test');
      return {
        connect: () => RedisCacheTier.connect(redis.url, { keyPrefix: prefix }),
        stop: () => redis.stop(),
        start: () => redis.start(),
      };
    },
  };
}

const METHODS = [
  'get',
  'set',
  'generation',
  'bumpGeneration',
  'bumpGenerations',
  'claimFill',
  'releaseFill',
  'pollFill',
  'ping',
  'clear',
] as const satisfies ReadonlyArray<keyof SharedCacheTier>;

/**
 * The in-process tier: one MemorySharedCacheTier is one deployment. Its disposable form
 * puts the tier behind a switch: stopped, every call rejects as a refused connection does;
 * started again, it is a new, empty tier, as a Redis server restarted without persistence.
 */
export const memoryBackend: SharedTierBackend = {
  deployment: async () => {
    const tier = new MemorySharedCacheTier();
    return { connect: async () => tier, cleanup: () => tier.clear() };
  },
  disposable: async () => {
    let tier = new MemorySharedCacheTier();
    let up = true;
    const client = Object.fromEntries(
      METHODS.map((method) => [
        method,
        (...args: unknown[]) =>
          up
            ? (tier[method] as (...a: unknown[]) => Promise<unknown>)(...args)
            : Promise.reject(new Error('connect ECONNREFUSED (the test stopped the shared tier)')),
      ]),
    ) as unknown as SharedCacheTier;
    client.close = async () => {};
    return {
      connect: async () => client,
      stop: async () => void (up = false),
      start: async () => {
        tier = new MemorySharedCacheTier();
        up = true;
      },
    };
  },
};
