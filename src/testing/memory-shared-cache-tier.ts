import { LRUCache } from 'lru-cache';
import { generationBase, type FillState, type SharedCacheTier, type SharedEntry } from '../cache/shared-cache-tier.js';

/** Fill locks are normally set or released; past this many, expired ones are swept so none linger. */
const SWEEP_FILLS_AT = 1000;

export interface MemorySharedCacheTierOptions {
  /** Most entries kept; the least recently used go first. @default 10000 */
  maxEntries?: number;
}

/**
 * The shared tier in process: what the Redis tier does, for TieredResultCache instances of
 * one process (one object shared between them is one deployment). Values are kept as JSON,
 * so they come back as copies exactly as from Redis; entries and fill locks expire with
 * their TTL. It never fails on its own, so the tiered cache's behaviour can be tested
 * without a server, and a shared tier of its own given to an engine under test.
 */
export class MemorySharedCacheTier implements SharedCacheTier {
  readonly #entries: LRUCache<string, string>;
  readonly #generations = new Map<string, number>();
  readonly #fills = new Map<string, { token: string; expiresAt: number }>();

  constructor(options: MemorySharedCacheTierOptions = {}) {
    this.#entries = new LRUCache<string, string>({ max: options.maxEntries ?? 10_000 });
  }

  async get<T>(key: string): Promise<SharedEntry<T> | undefined> {
    const json = this.#entries.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as SharedEntry<T>);
  }

  async set<T>(key: string, value: T, ttlMs: number, fillToken = ''): Promise<void> {
    const entry: SharedEntry<T> = { value, expiresAt: Date.now() + ttlMs };
    this.#entries.set(key, JSON.stringify(entry), { ttl: Math.ceil(ttlMs) });
    if (this.#fillHolder(key) === fillToken) this.#fills.delete(key);
  }

  async generation(namespace: string): Promise<number> {
    let generation = this.#generations.get(namespace);
    if (generation === undefined) this.#generations.set(namespace, (generation = generationBase()));
    return generation;
  }

  async bumpGeneration(namespace: string): Promise<number> {
    const next = (this.#generations.get(namespace) ?? generationBase()) + 1;
    this.#generations.set(namespace, next);
    return next;
  }

  async bumpGenerations(namespaces: readonly string[]): Promise<number[]> {
    const bumped: number[] = [];
    for (const namespace of namespaces) bumped.push(await this.bumpGeneration(namespace));
    return bumped;
  }

  async claimFill(key: string, token: string, ttlMs: number): Promise<boolean> {
    if (this.#fills.size >= SWEEP_FILLS_AT) this.#dropExpiredFills();
    if (this.#fillHolder(key) !== undefined) return false;
    this.#fills.set(key, { token, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async releaseFill(key: string, token: string): Promise<void> {
    if (this.#fillHolder(key) === token) this.#fills.delete(key);
  }

  async pollFill<T>(key: string): Promise<FillState<T>> {
    const entry = await this.get<T>(key);
    if (entry) return { kind: 'filled', entry };
    return this.#fillHolder(key) === undefined ? { kind: 'abandoned' } : { kind: 'pending' };
  }

  async ping(): Promise<void> {}

  async clear(): Promise<void> {
    this.#entries.clear();
    this.#generations.clear();
    this.#fills.clear();
  }

  /** Nothing to release: other instances of the deployment may still use this object. */
  async close(): Promise<void> {}

  #dropExpiredFills(): void {
    const now = Date.now();
    for (const [key, fill] of this.#fills) if (fill.expiresAt <= now) this.#fills.delete(key);
  }

  /** The token holding the key's fill lock, or undefined when none holds it (an expired one is dropped). */
  #fillHolder(key: string): string | undefined {
    const fill = this.#fills.get(key);
    if (fill === undefined) return undefined;
    if (fill.expiresAt > Date.now()) return fill.token;
    this.#fills.delete(key);
    return undefined;
  }
}
