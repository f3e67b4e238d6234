import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { generationBase, type FillState, type SharedCacheTier, type SharedEntry } from './shared-cache-tier.js';

export interface RedisCacheTierOptions {
  /** Prefix of every key this service writes, so deployments sharing a server stay apart. @default 'tmws' */
  keyPrefix?: string;
  /** A command slower than this counts as a failure (covers a paused or overloaded server). @default 250 */
  commandTimeoutMs?: number;
  /** @default 1000 */
  connectTimeoutMs?: number;
  /** Upper bound in seconds on an entry's life in Redis (the engine's `redisTtl`). @default 3600 */
  maxTtl?: number;
  logger?: Logger;
}

// Generations start from the clock when their key is missing (see SharedCacheTier.generation).
const GENERATION = `local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1]); v = ARGV[1] end
return v`;
const BUMP = `if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('INCR', KEYS[1])`;
const SET_AND_RELEASE = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const POLL_FILL = `local v = redis.call('GET', KEYS[1])
if v then return {1, v} end
return {redis.call('EXISTS', KEYS[2]) == 1 and 0 or 2}`;

/**
 * The shared tier (L2) over ioredis: result entries, per-namespace generation counters and
 * short fill locks, each an atomic script. Commands fail fast instead of queueing while
 * disconnected, so callers can fall back to their own tier; ioredis keeps reconnecting in
 * the background.
 */
export class RedisCacheTier implements SharedCacheTier {
  readonly maxTtlMs: number;
  readonly #redis: Redis;
  readonly #prefix: string;

  /**
   * Connects, waiting at most `connectTimeoutMs` for the first connection: a Redis that is
   * down at startup leaves the tier unavailable (the cache degrades), not the service.
   */
  static async connect(url: string, options: RedisCacheTierOptions = {}): Promise<RedisCacheTier> {
    const tier = new RedisCacheTier(url, options);
    await tier.#firstConnection;
    return tier;
  }

  readonly #firstConnection: Promise<void>;

  private constructor(url: string, options: RedisCacheTierOptions) {
    this.#prefix = options.keyPrefix ?? 'tmws';
    this.maxTtlMs = (options.maxTtl ?? 3600) * 1000;
    this.#redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: options.connectTimeoutMs ?? 1000,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    });
    // Without a listener ioredis reports every failed reconnect as an unhandled error.
    this.#redis.on('error', (error) => options.logger?.debug({ err: error }, 'redis connection error'));
    const timeoutMs = options.connectTimeoutMs ?? 1000;
    this.#firstConnection = Promise.race([
      this.#redis.connect(),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]).then(
      () => undefined,
      (error: unknown) => options.logger?.warn({ err: error }, 'redis not reachable; the cache runs on L1 until it is'),
    );
  }

  async get<T>(key: string): Promise<SharedEntry<T> | undefined> {
    const raw = await this.#redis.get(this.#resultKey(key));
    return raw === null ? undefined : (JSON.parse(raw) as SharedEntry<T>);
  }

  async set<T>(key: string, value: T, ttlMs: number, fillToken = ''): Promise<void> {
    const entry: SharedEntry<T> = { value, expiresAt: Date.now() + ttlMs };
    await this.#redis.eval(
      SET_AND_RELEASE,
      2,
      this.#resultKey(key),
      this.#lockKey(key),
      JSON.stringify(entry),
      Math.ceil(ttlMs),
      fillToken,
    );
  }

  async generation(namespace: string): Promise<number> {
    return Number(await this.#redis.eval(GENERATION, 1, this.#generationKey(namespace), generationBase()));
  }

  async bumpGeneration(namespace: string): Promise<number> {
    return Number(await this.#redis.eval(BUMP, 1, this.#generationKey(namespace), generationBase()));
  }

  /** One round trip for all of them. */
  async bumpGenerations(namespaces: readonly string[]): Promise<number[]> {
    const pipeline = this.#redis.pipeline();
    for (const namespace of namespaces) pipeline.eval(BUMP, 1, this.#generationKey(namespace), generationBase());
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, value]) => {
      if (error) throw error;
      return Number(value);
    });
  }

  async claimFill(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(this.#lockKey(key), token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseFill(key: string, token: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#lockKey(key), token);
  }

  async pollFill<T>(key: string): Promise<FillState<T>> {
    const [state, raw] = (await this.#redis.eval(POLL_FILL, 2, this.#resultKey(key), this.#lockKey(key))) as [
      number,
      string?,
    ];
    if (state === 1 && raw !== undefined) return { kind: 'filled', entry: JSON.parse(raw) as SharedEntry<T> };
    return state === 0 ? { kind: 'pending' } : { kind: 'abandoned' };
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  /** Deletes every key under this prefix. */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${this.#prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await this.#redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  // Keys are hashed: engine keys are long and hold user text; the hash keeps Redis keys short and opaque.
  #resultKey(key: string): string {
    return `${this.#prefix}:r:${hash(key)}`;
  }

  #lockKey(key: string): string {
    return `${this.#prefix}:fill:${hash(key)}`;
  }

  #generationKey(namespace: string): string {
    return `${this.#prefix}:gen:${namespace}`;
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
