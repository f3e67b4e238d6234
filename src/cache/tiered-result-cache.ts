import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { deepFreeze } from '../deep-freeze.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { LocalResultCache } from './local-result-cache.js';
import type { CacheHealth, CacheHit, CacheTier, ResultCache, ResultCacheStats } from './result-cache.js';
import type { SharedCacheTier, SharedEntry } from './shared-cache-tier.js';
import { SingleFlight } from './single-flight.js';

export interface TieredResultCacheOptions {
  /** Most results kept in process (L1). @default 1000 */
  maxLocalSize?: number;
  /** Upper bound in seconds on L1 entries. @default none (the pattern's TTL) */
  localTtl?: number;
  /** Close the shared tier with this cache: false when whoever opened the tier closes it. @default true */
  closeSharedTier?: boolean;
  /** How long one instance may hold the right to compute a missing key. @default 5000 */
  fillLockMs?: number;
  /** How long others wait for that value before computing it themselves. @default 3000 */
  fillWaitMs?: number;
  /** After a Redis failure, how long to serve from L1 alone before trying Redis again. @default 1000 */
  retryAfterMs?: number;
  /**
   * The revocation bound: while a namespace's generation cannot be confirmed with Redis, no
   * cached read of it older than this is served (0: none at all). @default 2000
   */
  revocationBoundMs?: number;
  logger?: Logger;
}

const FILL_POLL_MS = 15;
/** How long an entry lives in the shared tier at most, when the tier does not say (SharedCacheTier.maxTtlMs). */
const DEFAULT_SHARED_TTL_MS = 3_600_000;
/** What a Redis operation yields when Redis did not answer (as opposed to answering "nothing"). */
const UNAVAILABLE = Symbol('unavailable');

/**
 * L1 (in-process LRU) over a shared L2 (Redis, see SharedCacheTier) that every instance sees:
 * - invalidation: each namespace's generation lives in Redis and is read per lookup, so a
 *   write on one instance stops every instance's cached reads of that namespace at once;
 * - stampede: the first instance to miss a key claims it (SET NX PX); the others wait
 *   briefly for its value instead of computing the same result;
 * - degradation: any Redis failure opens a circuit; lookups then use L1 under local
 *   generations that roll over every `revocationBoundMs`, so while this instance cannot
 *   confirm a namespace's generation it serves no cached read older than that bound (another
 *   instance's write, e.g. a revocation, may be missed for that long at most). When Redis
 *   answers again, the namespaces this instance knows are bumped before anything else (it
 *   may have missed writes meanwhile), which also replays its own writes of the outage.
 */
export class TieredResultCache<T extends object> implements ResultCache<T> {
  readonly #l1: LocalResultCache<T>;
  readonly #l2: SharedCacheTier;
  readonly #breaker: CircuitBreaker;
  readonly #logger: Logger | undefined;
  readonly #maxSharedTtlMs: number;
  readonly #closeSharedTier: boolean;
  readonly #fillLockMs: number;
  readonly #fillWaitMs: number;
  readonly #lookups = new SingleFlight<CacheHit<T> | undefined>();
  /** Keys this instance claimed and is computing, with the token that proves it. */
  readonly #fills = new Map<string, { token: string; timer: NodeJS.Timeout }>();
  /** Namespaces whose generation this instance has used (bumped after an outage). */
  readonly #known = new Set<string>();
  /** The generation each namespace's reads last used here. */
  readonly #lastGeneration = new Map<string, number>();
  /** Generations made locally while Redis is unreachable (negative: Redis never issues them), and since when. */
  readonly #unconfirmed = new Map<string, { generation: number; since: number }>();
  /** Namespaces to bump in Redis once it answers again. */
  readonly #unsynced = new Set<string>();
  readonly #revocationBoundMs: number;
  readonly #retryAfterMs: number;
  #replayTimer: NodeJS.Timeout | undefined;
  #localGeneration = 0;
  #counters = { hits: 0, misses: 0, sets: 0, invalidations: 0, l1Hits: 0, l2Hits: 0, fillWaits: 0, l2Errors: 0 };

  constructor(l2: SharedCacheTier, options: TieredResultCacheOptions = {}) {
    this.#l1 = new LocalResultCache<T>({
      ...(options.maxLocalSize !== undefined && { maxLocalSize: options.maxLocalSize }),
      ...(options.localTtl !== undefined && { localTtl: options.localTtl }),
    });
    this.#l2 = l2;
    this.#logger = options.logger;
    this.#retryAfterMs = options.retryAfterMs ?? 1000;
    this.#breaker = new CircuitBreaker(this.#retryAfterMs);
    this.#revocationBoundMs = options.revocationBoundMs ?? 2000;
    this.#maxSharedTtlMs = l2.maxTtlMs ?? DEFAULT_SHARED_TTL_MS;
    this.#closeSharedTier = options.closeSharedTier ?? true;
    this.#fillLockMs = options.fillLockMs ?? 5000;
    this.#fillWaitMs = options.fillWaitMs ?? 3000;
  }

  async get(key: string, namespace?: string): Promise<CacheHit<T> | undefined> {
    const local = this.#l1.getSync(key);
    if (local !== undefined) return this.#hit(local, 'l1');
    // This instance is already computing the key: let the engine's single-flight join that.
    if (this.#fills.has(key)) return this.#miss();
    const found = await this.#lookups.run(key, () => this.#lookupShared(key, namespace)).promise;
    return found ? this.#hit(found.value, found.tier) : this.#miss();
  }

  async set(key: string, value: T, ttlMs: number, namespace?: string): Promise<void> {
    const fill = this.#takeFill(key);
    // Computed during an outage: its key is reachable for one bound at most, so keep it no longer.
    const cap = this.#breaker.failing ? this.#revocationBoundMs : this.#maxSharedTtlMs;
    const ttl = Math.min(ttlMs, cap);
    if (!(ttl > 0)) {
      if (fill) await this.#shared((l2) => l2.releaseFill(key, fill.token));
      return;
    }
    this.#l1.setSync(key, value, ttl, namespace);
    this.#counters.sets++;
    await this.#shared((l2) => l2.set(key, value, ttl, fill?.token));
  }

  /** Gives up a key claimed on a miss whose result will not be cached, so others stop waiting. */
  async releaseFill(key: string): Promise<void> {
    const fill = this.#takeFill(key);
    if (fill) await this.#shared((l2) => l2.releaseFill(key, fill.token));
  }

  async generation(namespace: string): Promise<number> {
    this.#known.add(namespace);
    const generation = await this.#currentGeneration(namespace);
    // Moved on (a write here or on another instance): what L1 holds under the last one is unreachable.
    if (this.#lastGeneration.get(namespace) !== generation) {
      this.#l1.forget(namespace);
      this.#lastGeneration.set(namespace, generation);
    }
    return generation;
  }

  async #currentGeneration(namespace: string): Promise<number> {
    const shared = await this.#shared((l2) => l2.generation(namespace));
    if (shared !== UNAVAILABLE) {
      this.#unconfirmed.delete(namespace);
      return shared;
    }
    // Unconfirmed: a local generation, replaced once it is `revocationBoundMs` old, so no
    // entry cached under it (nor under the last confirmed one) is served past the bound.
    const local = this.#unconfirmed.get(namespace);
    if (local && performance.now() - local.since < this.#revocationBoundMs) return local.generation;
    return this.#newLocalGeneration(namespace);
  }

  async invalidateNamespace(namespace: string): Promise<void> {
    this.#counters.invalidations++;
    this.#known.add(namespace);
    this.#l1.forget(namespace);
    const shared = await this.#shared((l2) => l2.bumpGeneration(namespace));
    if (shared !== UNAVAILABLE) return;
    // Redis is away: a new local generation retires this instance's entries now; other
    // instances learn of the write when Redis is back (each bumps what it knows then too).
    this.#newLocalGeneration(namespace);
    this.#unsynced.add(namespace);
    this.#scheduleReplay();
  }

  async clear(): Promise<void> {
    await this.#l1.clear();
    await this.#shared((l2) => l2.clear());
  }

  async health(): Promise<CacheHealth> {
    const l1 = { status: 'ok' as const, entries: this.#l1.stats().entries };
    const reachable = (await this.#shared((l2) => l2.ping())) !== UNAVAILABLE;
    if (reachable) return { status: 'ok', tiers: { l1, l2: { status: 'ok' } } };
    return {
      status: 'degraded',
      tiers: { l1, l2: { status: 'down', error: this.#breaker.lastError ?? 'unreachable' } },
    };
  }

  stats(): ResultCacheStats {
    const { entries, maxEntries } = this.#l1.stats();
    const c = this.#counters;
    return {
      entries,
      maxEntries,
      hits: c.hits,
      misses: c.misses,
      sets: c.sets,
      invalidations: c.invalidations,
      hitsByTier: { l1: c.l1Hits, l2: c.l2Hits },
      shared: {
        status: this.#breaker.failing ? 'down' : 'ok',
        errors: c.l2Errors,
        fillWaits: c.fillWaits,
        unsyncedNamespaces: this.#unsynced.size,
      },
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#replayTimer);
    for (const { timer } of this.#fills.values()) clearTimeout(timer);
    this.#fills.clear();
    await this.#l1.close();
    if (this.#closeSharedTier) await this.#l2.close();
  }

  async #lookupShared(key: string, namespace: string | undefined): Promise<CacheHit<T> | undefined> {
    const entry = await this.#shared((l2) => l2.get<T>(key));
    if (entry === UNAVAILABLE) return undefined;
    if (entry) return { value: this.#keep(key, entry, namespace), tier: 'l2' };

    const token = randomUUID();
    const claimed = await this.#shared((l2) => l2.claimFill(key, token, this.#fillLockMs));
    if (claimed === UNAVAILABLE) return undefined;
    if (claimed) {
      // Forgotten after the lock's own lifetime in case the result is never set or released.
      const timer = setTimeout(() => this.#fills.delete(key), this.#fillLockMs).unref();
      this.#fills.set(key, { token, timer });
      return undefined;
    }
    this.#counters.fillWaits++;
    const deadline = Date.now() + this.#fillWaitMs;
    while (Date.now() < deadline) {
      await sleep(FILL_POLL_MS);
      const state = await this.#shared((l2) => l2.pollFill<T>(key));
      if (state === UNAVAILABLE || state.kind === 'abandoned') return undefined;
      if (state.kind === 'filled') return { value: this.#keep(key, state.entry, namespace), tier: 'l2' };
    }
    return undefined;
  }

  /** Copies a shared entry into L1 for the rest of its life; frozen like every cached value. */
  #keep(key: string, entry: SharedEntry<T>, namespace: string | undefined): T {
    const value = deepFreeze(entry.value);
    this.#l1.setSync(key, value, entry.expiresAt - Date.now(), namespace);
    return value;
  }

  #takeFill(key: string): { token: string } | undefined {
    const fill = this.#fills.get(key);
    if (!fill) return undefined;
    clearTimeout(fill.timer);
    this.#fills.delete(key);
    return fill;
  }

  /** Runs a Redis operation unless the circuit is open; failures are counted, logged once and absorbed. */
  async #shared<R>(operation: (l2: SharedCacheTier) => Promise<R>): Promise<R | typeof UNAVAILABLE> {
    if (!this.#breaker.allows()) return UNAVAILABLE;
    try {
      if (this.#unsynced.size > 0) await this.#replayInvalidations();
      const result = await operation(this.#l2);
      if (this.#breaker.succeed()) this.#logger?.warn('shared cache (Redis) is back; L2 in use again');
      return result;
    } catch (error) {
      this.#counters.l2Errors++;
      if (this.#breaker.fail(error)) {
        this.#logger?.warn({ err: error }, 'shared cache (Redis) unavailable; serving from the in-process cache');
        // Writes of other instances may be missed from now on: retire every known
        // namespace's shared generation once Redis answers again, before anything is read.
        for (const namespace of this.#known) this.#unsynced.add(namespace);
        this.#scheduleReplay();
      }
      return UNAVAILABLE;
    }
  }

  async #replayInvalidations(): Promise<void> {
    const namespaces = [...this.#unsynced];
    await this.#l2.bumpGenerations(namespaces);
    for (const namespace of namespaces) this.#unsynced.delete(namespace);
  }

  /** Replays pending invalidations as soon as Redis answers, even if no request comes. */
  #scheduleReplay(): void {
    this.#replayTimer ??= setInterval(() => {
      if (this.#unsynced.size === 0) {
        clearInterval(this.#replayTimer);
        this.#replayTimer = undefined;
        return;
      }
      void this.#shared((l2) => l2.ping());
    }, this.#retryAfterMs).unref();
  }

  #newLocalGeneration(namespace: string): number {
    const generation = -++this.#localGeneration;
    this.#unconfirmed.set(namespace, { generation, since: performance.now() });
    return generation;
  }

  #hit(value: T, tier: CacheTier): CacheHit<T> {
    this.#counters.hits++;
    if (tier === 'l1') this.#counters.l1Hits++;
    else this.#counters.l2Hits++;
    return { value, tier };
  }

  #miss(): undefined {
    this.#counters.misses++;
    return undefined;
  }
}
