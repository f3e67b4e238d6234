import { LRUCache } from 'lru-cache';
import type { CacheHealth, CacheHit, ResultCache, ResultCacheStats } from './result-cache.js';

export interface LocalResultCacheOptions {
  /** Most entries kept; the least recently used go first. @default 1000 */
  maxLocalSize?: number;
  /** Upper bound, in seconds, on how long any entry stays; none when omitted (each pattern's TTL rules). */
  localTtl?: number;
}

/**
 * The in-process cache: a bounded LRU with a TTL per entry, from lru-cache. Alone, it is
 * the whole cache (no Redis configured); TieredResultCache uses its synchronous get and set
 * as its L1 and keeps generations itself.
 */
export class LocalResultCache<T extends object> implements ResultCache<T> {
  readonly #lru: LRUCache<string, T>;
  readonly #maxTtlMs: number;
  readonly #generations = new Map<string, number>();
  #counters = { hits: 0, misses: 0, sets: 0, invalidations: 0 };

  constructor(options: LocalResultCacheOptions = {}) {
    const max = options.maxLocalSize ?? 1000;
    this.#lru = new LRUCache<string, T>({ max, ttlAutopurge: false });
    this.#maxTtlMs = options.localTtl === undefined ? Infinity : options.localTtl * 1000;
  }

  getSync(key: string): T | undefined {
    const value = this.#lru.get(key);
    if (value === undefined) this.#counters.misses++;
    else this.#counters.hits++;
    return value;
  }

  setSync(key: string, value: T, ttlMs: number): void {
    const ttl = Math.min(ttlMs, this.#maxTtlMs);
    if (!(ttl > 0)) return;
    this.#lru.set(key, value, { ttl });
    this.#counters.sets++;
  }

  async get(key: string): Promise<CacheHit<T> | undefined> {
    const value = this.getSync(key);
    return value === undefined ? undefined : { value, tier: 'l1' };
  }

  async set(key: string, value: T, ttlMs: number): Promise<void> {
    this.setSync(key, value, ttlMs);
  }

  async generation(namespace: string): Promise<number> {
    return this.#generations.get(namespace) ?? 0;
  }

  async invalidateNamespace(namespace: string): Promise<void> {
    this.#generations.set(namespace, (this.#generations.get(namespace) ?? 0) + 1);
    this.#counters.invalidations++;
  }

  async clear(): Promise<void> {
    this.#lru.clear();
  }

  async health(): Promise<CacheHealth> {
    return { status: 'ok', tiers: { l1: { status: 'ok', entries: this.#lru.size } } };
  }

  stats(): ResultCacheStats {
    return {
      entries: this.#lru.size,
      maxEntries: this.#lru.max,
      ...this.#counters,
      hitsByTier: { l1: this.#counters.hits },
    };
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }
}
