/**
 * @module cache/result-cache
 * The cache port for execution results. Keys already carry everything that makes two
 * results differ (the plan's cache policy, execution/planner.ts); invalidation works by
 * bumping a namespace's generation, which is part of its read keys, so stale entries are
 * never read again. Implementations: LocalResultCache (in process) and TieredResultCache
 * (in process over a SharedCacheTier).
 */

export type CacheTier = 'l1' | 'l2' | 'inflight';

export interface CacheHit<T> {
  value: T;
  tier: CacheTier;
}

export interface CacheHealth {
  status: 'ok' | 'degraded' | 'down';
  tiers: Record<string, { status: 'ok' | 'degraded' | 'down'; entries?: number; error?: string }>;
}

export interface ResultCacheStats {
  entries: number;
  maxEntries: number;
  hits: number;
  misses: number;
  sets: number;
  invalidations: number;
  hitsByTier: Partial<Record<CacheTier, number>>;
  /** The shared tier, when there is one. */
  shared?: { status: 'ok' | 'down'; errors: number; fillWaits: number; unsyncedNamespaces: number };
}

/**
 * `namespace`, where get and set take one: the namespace whose generation the key carries. A
 * cache may then drop that namespace's entries as soon as its generation moves on, instead of
 * keeping unreachable results until they are evicted.
 */
export interface ResultCache<T> {
  get(key: string, namespace?: string): Promise<CacheHit<T> | undefined>;
  /** Stores for ttlMs; values must not be mutated afterwards (the engine freezes them). */
  set(key: string, value: T, ttlMs: number, namespace?: string): Promise<void>;
  /**
   * Gives up the right to compute a key that a miss claimed, when the result will not be
   * cached (a failure), so other instances waiting for it compute it themselves.
   */
  releaseFill?(key: string): Promise<void>;
  /** The namespace's current generation, part of the keys of its cached reads. */
  generation(namespace: string): Promise<number>;
  /** Makes every cached read of the namespace unreachable, here and on other instances sharing the cache. */
  invalidateNamespace(namespace: string): Promise<void>;
  clear(): Promise<void>;
  health(): Promise<CacheHealth>;
  stats(): ResultCacheStats;
  close(): Promise<void>;
}
