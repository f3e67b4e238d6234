/**
 * @module security/rate-limiter
 * Request budgets per agent, and per agent and pattern where a pattern declares one. Kept
 * in process by default; shared through Redis (rate-limiter-flexible, atomic Lua
 * increments) when a Redis URL is configured, so every instance draws on one budget. Every
 * Redis call has a deadline; while Redis fails or is silent, in-process budgets answer (see
 * BudgetStore).
 */
import type { Logger } from 'pino';
import { RateLimitedError, ValidationError } from '../errors.js';
import type { PatternDefinition } from '../patterns/definition.js';
import { BudgetStore, type Budget, type BudgetHealth, type RateLimit } from './budget-store.js';
import type { Principal } from './roles.js';

export type { RateLimit };

export interface RateLimiterOptions {
  /** Per-agent budget across every operation; null = unlimited. */
  perAgent: RateLimit | null;
  /** Where budgets live; one of its own (in process) when omitted. */
  store?: BudgetStore;
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
  readonly #store: BudgetStore;
  readonly #perAgent: Budget | undefined;
  readonly #perPattern = new Map<string, Budget>();

  constructor(options: RateLimiterOptions) {
    this.#store = options.store ?? new BudgetStore({ logger: options.logger });
    this.#perAgent = options.perAgent === null ? undefined : this.#store.budget('agent', options.perAgent);
  }

  get backend(): 'memory' | 'redis' {
    return this.#store.backend;
  }

  health(): Promise<BudgetHealth> {
    return this.#store.health();
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
    let budget = this.#perPattern.get(name);
    if (!budget) {
      budget = this.#store.budget(name, limit);
      this.#perPattern.set(name, budget);
    }
    await this.#consume(budget, principal, `pattern '${pattern.name}' for agent '${principal.agentId}'`);
  }

  close(): Promise<void> {
    return this.#store.close();
  }

  async #consume(budget: Budget, principal: Principal, what: string): Promise<void> {
    const taken = await budget.consume(`${principal.namespace}/${principal.agentId}`);
    if (taken.allowed) return;
    throw new RateLimitedError(
      `Rate limit of ${taken.limit.requests} requests per ${taken.limit.perSeconds} s reached for ${what}; retry in ${taken.retryAfterSeconds} s`,
      taken.retryAfterSeconds,
    );
  }
}
