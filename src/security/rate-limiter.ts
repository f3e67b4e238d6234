/**
 * @module security/rate-limiter
 * Request budgets per agent, and per agent and pattern where a pattern declares one. Kept
 * in process by default; shared through Redis (rate-limiter-flexible, atomic Lua
 * increments) when a Redis URL is configured, so every instance draws on one budget. If
 * Redis stops answering, an in-process limiter takes over until it is back.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
  type RateLimiterStoreAbstract,
} from 'rate-limiter-flexible';
import { RateLimitedError, ValidationError } from '../errors.js';
import type { PatternDefinition, PatternRateLimit } from '../patterns/definition.js';
import type { Principal } from './roles.js';

export type RateLimit = PatternRateLimit;

export interface RateLimiterOptions {
  /** Per-agent budget across every operation; null = unlimited. */
  perAgent: RateLimit | null;
  /** redis://… to share budgets between instances. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key. @default 'tmws:rl' */
  keyPrefix?: string;
  logger: Logger;
}

/** Reads `<requests>/<seconds>` (e.g. `600/60`); `0` or `off` means unlimited (null). */
export function parseRateLimit(text: string): RateLimit | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '0' || trimmed === 'off') return null;
  const match = /^(\d{1,9})\s*\/\s*(\d{1,6})$/.exec(trimmed);
  const requests = Number(match?.[1]);
  const perSeconds = Number(match?.[2]);
  if (!match || requests < 1 || perSeconds < 1 || perSeconds > 86_400) {
    throw new ValidationError(
      `rate limit: expected <requests>/<seconds> (e.g. 600/60, seconds at most 86400) or 0 for none, got '${text}'`,
    );
  }
  return { requests, perSeconds };
}

export class AgentRateLimiter {
  readonly #options: RateLimiterOptions;
  readonly #redis: Redis | undefined;
  readonly #perAgent: RateLimiterAbstract | undefined;
  readonly #perPattern = new Map<string, RateLimiterAbstract>();

  constructor(options: RateLimiterOptions) {
    this.#options = options;
    if (options.redisUrl !== undefined) {
      // Fail fast instead of queueing while Redis is away: the in-process insurance limiter answers meanwhile.
      this.#redis = new Redis(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
      });
      this.#redis.on('error', (error: Error) => options.logger.warn({ err: error }, 'rate limiter: Redis error'));
    }
    this.#perAgent = options.perAgent === null ? undefined : this.#limiter('agent', options.perAgent);
  }

  /**
   * Waits for Redis to be ready (or to fail, or `timeoutMs`), so the first requests already
   * share the budget; until it is ready each instance limits in process.
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
    if (outcome !== 'ready')
      this.#options.logger.warn(`rate limiter: Redis ${outcome}; limiting in process until it is ready`);
  }

  get backend(): 'memory' | 'redis' {
    return this.#redis ? 'redis' : 'memory';
  }

  /** Takes one request from the agent's budget; RateLimitedError when it is spent. */
  async consumeAgent(principal: Principal): Promise<void> {
    if (!this.#perAgent) return;
    await this.#consume(this.#perAgent, principal, `agent '${principal.agentId}'`);
  }

  /** Takes one execution of `pattern` from the agent's budget for it, when the pattern declares one. */
  async consumePattern(pattern: PatternDefinition, principal: Principal): Promise<void> {
    const limit = pattern.rateLimit;
    if (!limit) return;
    // Keyed by the limit too, so re-registering a pattern with another limit starts a fresh budget.
    const name = `pattern:${pattern.name}:${limit.requests}/${limit.perSeconds}`;
    let limiter = this.#perPattern.get(name);
    if (!limiter) {
      limiter = this.#limiter(name, limit);
      this.#perPattern.set(name, limiter);
    }
    await this.#consume(limiter, principal, `pattern '${pattern.name}' for agent '${principal.agentId}'`);
  }

  async close(): Promise<void> {
    if (!this.#redis) return;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  #limiter(name: string, limit: RateLimit): RateLimiterAbstract {
    const base = { points: limit.requests, duration: limit.perSeconds };
    if (!this.#redis) return new RateLimiterMemory(base);
    const limiter: RateLimiterStoreAbstract = new RateLimiterRedis({
      ...base,
      storeClient: this.#redis,
      keyPrefix: `${this.#options.keyPrefix ?? 'tmws:rl'}:${name}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(base),
    });
    return limiter;
  }

  async #consume(limiter: RateLimiterAbstract, principal: Principal, what: string): Promise<void> {
    try {
      await limiter.consume(`${principal.namespace}/${principal.agentId}`);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new RateLimitedError(
          `Rate limit of ${limiter.points} requests per ${limiter.duration} s reached for ${what}; retry in ${retryAfter} s`,
          retryAfter,
        );
      }
      // The store failed and so did its insurance: let the request through rather than fail every caller.
      this.#options.logger.warn({ err: rejection }, 'rate limiter unavailable; request allowed');
    }
  }
}
