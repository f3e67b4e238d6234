/**
 * @module cache/shared-cache-tier
 * The port of the shared cache tier (L2): what TieredResultCache needs from a store that
 * every instance of a deployment sees. Implementations: RedisCacheTier (many machines) and
 * MemorySharedCacheTier (one process, in tmws-patterns/testing); both pass sharedCacheTierSuite
 * (src/testing), as any other implementation should.
 * Every method may reject when the store cannot be reached: the tiered cache degrades to
 * its in-process tier then, so implementations fail fast rather than wait.
 */

/** A shared entry: the value and when it stops being valid (epoch ms), so L1 copies expire with it. */
export interface SharedEntry<T> {
  value: T;
  expiresAt: number;
}

/** What another instance's fill looks like from here. */
export type FillState<T> = { kind: 'filled'; entry: SharedEntry<T> } | { kind: 'pending' } | { kind: 'abandoned' };

export interface SharedCacheTier {
  /**
   * Milliseconds an entry may live in this tier at most; the tiered cache keeps no copy of
   * a shared entry longer. @default 3,600,000 (one hour)
   */
  readonly maxTtlMs?: number;
  /** The entry under `key`, a copy (values travel as JSON), or undefined. */
  get<T>(key: string): Promise<SharedEntry<T> | undefined>;
  /** Stores the entry for `ttlMs` and releases the fill lock on the key if `fillToken` holds it. */
  set<T>(key: string, value: T, ttlMs: number, fillToken?: string): Promise<void>;
  /**
   * The namespace's generation. A missing one starts from the clock (in microseconds), so a
   * store that lost its data never hands out a generation some instance already used.
   */
  generation(namespace: string): Promise<number>;
  /** Moves the namespace to a new, higher generation; returns it. */
  bumpGeneration(namespace: string): Promise<number>;
  /** Bumps several namespaces at once; their new generations, in order. */
  bumpGenerations(namespaces: readonly string[]): Promise<number[]>;
  /** True if this caller now holds the right to compute the key (for at most `ttlMs`). */
  claimFill(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Gives the right back, if `token` still holds it. */
  releaseFill(key: string, token: string): Promise<void>;
  pollFill<T>(key: string): Promise<FillState<T>>;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  /** Deletes every entry, generation and lock of this deployment. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** Where a generation starts when the store has none: the clock in microseconds. */
export function generationBase(): number {
  return Date.now() * 1000;
}
