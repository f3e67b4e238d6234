/**
 * @module execution/engine-upkeep
 * What the engine does beside answering: report whether its store and cache answer
 * (readiness), and clear expired memories and old versions now and then after writes.
 */
import type { Logger } from 'pino';
import type { CacheHealth, ResultCache } from '../cache/result-cache.js';
import { StoreUnavailableError, toServiceError } from '../errors.js';
import type { MemoryStore } from '../memory/store.js';

export interface EngineHealth {
  store: { status: 'ok' | 'down'; error?: string };
  cache: CacheHealth;
}

/** Pings the store (undefined: the engine is closed) and asks the cache; never throws. */
export async function checkHealth(
  store: MemoryStore | undefined,
  cache: Pick<ResultCache<unknown>, 'health'>,
): Promise<EngineHealth> {
  let storeHealth: EngineHealth['store'] = { status: 'ok' };
  try {
    if (!store) throw new StoreUnavailableError('The engine is closed');
    await store.ping();
  } catch (error) {
    storeHealth = { status: 'down', error: toServiceError(error).message };
  }
  return { store: storeHealth, cache: await cache.health() };
}

/** Purges expired memories, then versions older than `keepAfter`, off the caller's path: a failure is logged. */
export function purgeInBackground(store: MemoryStore, keepAfter: number, logger: Logger): void {
  store
    .purgeExpired()
    .then(() => store.pruneHistory(keepAfter))
    .catch((error: unknown) => logger.warn({ err: error }, 'purging expired memories or old versions failed'));
}
