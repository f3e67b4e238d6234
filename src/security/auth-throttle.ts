/**
 * @module security/auth-throttle
 * Failed authentication costs the client address: each failure takes one from the
 * address's budget (shared through Redis when the budget store is, under the same deadline
 * and fallback), and once it is spent the address gets 429 with Retry-After, even with a
 * valid credential, until the window ends. Every failure is counted (Prometheus), logged and
 * audited (counted per client and window), never with the credential that was presented.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { RateLimitedError, type PatternServiceError } from '../errors.js';
import type { AuditRecorder } from './audit-recorder.js';
import type { Budget } from './budget-store.js';

/** Addresses remembered as blocked at once; the least recently seen go first. */
const MAX_BLOCKED_ADDRESSES = 100_000;

export interface AuthThrottleOptions {
  /** Failures allowed per address and window; undefined = failures are still counted and audited, never throttled. */
  budget: Budget | undefined;
  audit: AuditRecorder;
  registry: Registry;
  logger: Logger;
}

export class AuthThrottle {
  readonly #budget: Budget | undefined;
  readonly #audit: AuditRecorder;
  readonly #logger: Logger;
  /** Address → when its block ends (epoch ms); local, so a blocked client costs no Redis call. */
  readonly #blocked = new LRUCache<string, number>({ max: MAX_BLOCKED_ADDRESSES, ttlAutopurge: false });
  readonly #failures: Counter<'surface' | 'outcome'>;

  constructor(options: AuthThrottleOptions) {
    this.#budget = options.budget;
    this.#audit = options.audit;
    this.#logger = options.logger;
    this.#failures = new Counter({
      name: 'tmws_auth_failures_total',
      help: 'Requests refused for their credential: rejected (401) or throttled (429, the address spent its budget of failures).',
      labelNames: ['surface', 'outcome'] as const,
      registers: [options.registry],
    });
  }

  /** Throws RATE_LIMITED while `address` is blocked; costs nothing otherwise. */
  check(address: string, surface: string): void {
    const until = this.#blocked.get(address);
    if (until === undefined) return;
    const retryAfter = Math.ceil((until - Date.now()) / 1000);
    if (retryAfter <= 0) return void this.#blocked.delete(address);
    this.#failures.inc({ surface, outcome: 'throttled' });
    throw blockedError(retryAfter);
  }

  /**
   * Records a failed authentication from `address` (see clientKey), and returns the error to
   * answer with: the original one, or RATE_LIMITED once the address has spent its budget.
   */
  async failed(address: string, surface: string, error: PatternServiceError): Promise<PatternServiceError> {
    const taken = this.#budget ? await this.#budget.consume(address) : ({ allowed: true } as const);
    const answer = taken.allowed ? error : blockedError(taken.retryAfterSeconds);
    if (!taken.allowed) this.#blocked.set(address, Date.now() + taken.retryAfterSeconds * 1000);
    this.#failures.inc({ surface, outcome: taken.allowed ? 'rejected' : 'throttled' });
    this.#logger.warn(
      {
        address,
        surface,
        reason: error.message,
        ...(!taken.allowed && { blockedForSeconds: taken.retryAfterSeconds }),
      },
      taken.allowed ? 'authentication failed' : 'authentication failed; address throttled',
    );
    // Counted per client and window (a guesser can send thousands), not written one by one.
    this.#audit.tally({
      at: Date.now(),
      agentId: '-',
      namespace: '-',
      operation: 'auth.failure',
      pattern: null,
      target: address,
      success: false,
      durationMs: 0,
      errorCode: answer.code,
      surface,
    });
    return answer;
  }
}

function blockedError(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(
    `Too many failed authentications from this address; retry in ${retryAfterSeconds} s`,
    retryAfterSeconds,
  );
}
