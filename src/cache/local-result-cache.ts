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
  readonly #lru: LRUCache<string, Entry<T>>;
  readonly #maxTtlMs: number;
  readonly #generations = new Map<string, number>();
  /** The keys held for each namespace whose generation they carry, so they go when it moves on. */
  readonly #keysOf = new Map<string, Set<string>>();
  #counters = { hits: 0, misses: 0, sets: 0, invalidations: 0 };

  constructor(options: LocalResultCacheOptions = {}) {
    const max = options.maxLocalSize ?? 1000;
    this.#lru = new LRUCache<string, Entry<T>>({
      max,
      ttlAutopurge: false,
      // Evicted, expired, replaced or deleted: no longer one of its namespace's keys.
      dispose: (entry, key) => {
        if (entry.namespace !== undefined) this.#keysOf.get(entry.namespace)?.delete(key);
      },
    });
    this.#maxTtlMs = options.localTtl === undefined ? Infinity : options.localTtl * 1000;
  }

  getSync(key: string): T | undefined {
    const value = this.#lru.get(key)?.value;
    if (value === undefined) this.#counters.misses++;
    else this.#counters.hits++;
    return value;
  }

  setSync(key: string, value: T, ttlMs: number, namespace?: string): void {
    const ttl = Math.min(ttlMs, this.#maxTtlMs);
    if (!(ttl > 0)) return;
    this.#lru.set(key, { value, namespace }, { ttl });
    if (namespace !== undefined) {
      let keys = this.#keysOf.get(namespace);
      if (!keys) this.#keysOf.set(namespace, (keys = new Set()));
      keys.add(key);
    }
    this.#counters.sets++;
  }

  /** Drops the entries stored for `namespace`: its generation moved on, so they cannot be read again. */
  forget(namespace: string): void {
    const keys = this.#keysOf.get(namespace);
    if (!keys) return;
    this.#keysOf.delete(namespace);
    for (const key of keys) this.#lru.delete(key);
  }

  async get(key: string): Promise<CacheHit<T> | undefined> {
    const value = this.getSync(key);
    return value === undefined ? undefined : { value, tier: 'l1' };
  }

  async set(key: string, value: T, ttlMs: number, namespace?: string): Promise<void> {
    this.setSync(key, value, ttlMs, namespace);
  }

  async generation(namespace: string): Promise<number> {
    return this.#generations.get(namespace) ?? 0;
  }

  async invalidateNamespace(namespace: string): Promise<void> {
    this.#generations.set(namespace, (this.#generations.get(namespace) ?? 0) + 1);
    this.forget(namespace);
    this.#counters.invalidations++;
  }

  async clear(): Promise<void> {
    this.#lru.clear();
    this.#keysOf.clear();
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
    await this.clear();
  }
}

interface Entry<T> {
  value: T;
  namespace: string | undefined;
}
