/**
 * @module security/budget-store
 * Budgets (rate-limiter-flexible) kept in process, or shared through Redis when a URL is
 * given. Every Redis call has a deadline (`commandTimeoutMs`): a Redis that stops answering
 * fails the call instead of holding the request, and an in-process budget answers instead.
 * After a failure the in-process budgets answer alone for `retryAfterMs` (a circuit), so a
 * silent Redis costs one deadline per second, not one per request.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { CircuitBreaker } from '../cache/circuit-breaker.js';
import type { PatternRateLimit } from '../patterns/definition.js';

export type RateLimit = PatternRateLimit;

export interface BudgetStoreOptions {
  /** redis://… to share budgets between instances; in process without. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key. @default 'tmws:rl' */
  keyPrefix?: string;
  /** A Redis command slower than this fails and the in-process budget answers. @default 250 */
  commandTimeoutMs?: number;
  /** After a Redis failure, how long the in-process budgets answer alone. @default 1000 */
  retryAfterMs?: number;
  logger: Logger;
}

/** What taking from a budget gave: allowed, or refused until `retryAfterSeconds`. */
export type Consumption = { allowed: true } | { allowed: false; retryAfterSeconds: number; limit: RateLimit };

export interface BudgetHealth {
  status: 'ok' | 'degraded';
  backend: 'memory' | 'redis';
  error?: string;
}

/** One budget (`limit` per key), shared when the store has Redis, with its in-process stand-in. */
export class Budget {
  readonly limit: RateLimit;
  readonly #shared: RateLimiterAbstract | undefined;
  readonly #local: RateLimiterAbstract;
  readonly #store: BudgetStore;

  constructor(store: BudgetStore, limit: RateLimit, shared: RateLimiterAbstract | undefined) {
    this.limit = limit;
    this.#store = store;
    this.#shared = shared;
    this.#local = new RateLimiterMemory({ points: limit.requests, duration: limit.perSeconds });
  }

  /** Takes one request from `key`'s budget. Never throws: a failing Redis hands over to the local budget. */
  async consume(key: string): Promise<Consumption> {
    const shared = this.#shared;
    if (shared && this.#store.sharedAllowed()) {
      try {
        await shared.consume(key);
        this.#store.sharedSucceeded();
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          this.#store.sharedSucceeded();
          return this.#refused(rejection);
        }
        this.#store.sharedFailed(rejection);
      }
    }
    try {
      await this.#local.consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return this.#refused(rejection);
      throw rejection;
    }
  }

  #refused(rejection: RateLimiterRes): Consumption {
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      limit: this.limit,
    };
  }
}

/** Owns the Redis connection (if any) and the circuit every budget of this store shares. */
export class BudgetStore {
  readonly #options: Omit<BudgetStoreOptions, 'redisUrl'>;
  readonly #redis: Redis | undefined;
  readonly #breaker: CircuitBreaker;

  /**
   * A store in process, or sharing budgets through Redis when `redisUrl` is given. ioredis
   * loads only then, so a server without Redis starts ~0.1 s sooner.
   */
  static async open(options: BudgetStoreOptions): Promise<BudgetStore> {
    if (options.redisUrl === undefined) return new BudgetStore(options);
    const { Redis } = await import('ioredis');
    const redis = new Redis(options.redisUrl, {
      // Fail at once while disconnected rather than queue; the in-process budget answers meanwhile.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // The deadline that turns a silent Redis (paused, partitioned) into an error.
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    });
    redis.on('error', (error: Error) => options.logger.debug({ err: error }, 'budgets: Redis error'));
    return new BudgetStore(options, redis);
  }

  /** In process unless given the Redis client it then owns; open() makes one from a URL. */
  constructor(options: Omit<BudgetStoreOptions, 'redisUrl'>, redis?: Redis) {
    this.#options = options;
    this.#breaker = new CircuitBreaker(options.retryAfterMs ?? 1000);
    this.#redis = redis;
  }

  get backend(): 'memory' | 'redis' {
    return this.#redis ? 'redis' : 'memory';
  }

  /**
   * Waits for Redis to be ready (or to fail, or `timeoutMs`), so the first requests already
   * share the budget; until it is ready each instance counts in process.
   */
  async connect(timeoutMs = 2000): Promise<void> {
    const redis = this.#redis;
    if (!redis || redis.status === 'ready') return;
    const outcome = await new Promise<string>((resolve) => {
      const done = (what: string) => () => {
        clearTimeout(timer);
        redis.off('ready', onReady).off('error', onError);
        resolve(what);
      };
      const onReady = done('ready');
      const onError = done('error');
      const timer = setTimeout(done('timeout'), timeoutMs);
      redis.once('ready', onReady).once('error', onError);
    });
    if (outcome !== 'ready') {
      this.#breaker.fail(new Error(`Redis ${outcome} at start`));
      this.#options.logger.warn(`budgets: Redis ${outcome}; counting in process until it is ready`);
    }
  }

  /** A budget of `limit` per key, under `name` (its keys live under `<prefix>:<name>` in Redis). */
  budget(name: string, limit: RateLimit): Budget {
    const shared =
      this.#redis &&
      new RateLimiterRedis({
        points: limit.requests,
        duration: limit.perSeconds,
        storeClient: this.#redis,
        keyPrefix: `${this.#options.keyPrefix ?? 'tmws:rl'}:${name}`,
        rejectIfRedisNotReady: true,
      });
    return new Budget(this, limit, shared);
  }

  /**
   * `degraded` (with the reason) while budgets are counted in process because Redis failed
   * or is silent: Redis is pinged under the same deadline, unless the circuit is open.
   */
  async health(): Promise<BudgetHealth> {
    const redis = this.#redis;
    if (!redis) return { status: 'ok', backend: 'memory' };
    if (this.#breaker.allows()) {
      try {
        await redis.ping();
        this.sharedSucceeded();
      } catch (error) {
        this.sharedFailed(error);
      }
    }
    if (!this.#breaker.failing) return { status: 'ok', backend: 'redis' };
    return { status: 'degraded', backend: 'redis', error: `Redis: ${this.#breaker.lastError ?? 'unreachable'}` };
  }

  async close(): Promise<void> {
    if (!this.#redis) return;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  sharedAllowed(): boolean {
    return this.#breaker.allows();
  }

  sharedSucceeded(): void {
    if (this.#breaker.succeed()) this.#options.logger.warn('budgets: Redis is back; budgets shared again');
  }

  sharedFailed(error: unknown): void {
    if (this.#breaker.fail(error)) {
      this.#options.logger.warn({ err: error }, 'budgets: Redis failed or timed out; counting in process');
    }
  }
}
