/**
 * @module security/agent-concurrency
 * One agent's flood must not starve the others. Each agent (namespace + agent id) has at
 * most `running` operations under way; up to `waiting` more wait their turn, in order; beyond
 * that a request is refused at once with RATE_LIMITED and Retry-After: 1. Other agents never
 * wait behind it: their operations start as soon as they arrive.
 *
 * A queue rather than refusing everything past `running`: a waiting request costs nothing
 * until it runs, and its connection sends nothing new meanwhile, whereas a refused client
 * re-sends at once and each new request is parsed and authenticated again (measured in
 * `npm run bench -- fairness`). The bound keeps what one agent can hold in memory finite.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { RateLimitedError, ValidationError } from '../errors.js';
import type { Principal } from './roles.js';

export interface ConcurrencyLimit {
  /** Operations of one agent under way at once. */
  running: number;
  /** More that may wait for a place; beyond them, RATE_LIMITED. */
  waiting: number;
}

/** @default 4 running, 256 waiting per agent */
export const DEFAULT_AGENT_CONCURRENCY: ConcurrencyLimit = { running: 4, waiting: 256 };

/** Reads `<running>/<waiting>` (e.g. `4/256`); `0` or `off` means no cap (null). */
export function parseConcurrencyLimit(text: string): ConcurrencyLimit | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '0' || trimmed === 'off') return null;
  const match = /^(\d{1,5})\s*\/\s*(\d{1,6})$/.exec(trimmed);
  const limit = { running: Number(match?.[1]), waiting: Number(match?.[2]) };
  if (!match || !isValid(limit)) {
    throw new ValidationError(
      `agent concurrency: expected <running>/<waiting> (e.g. 4/256, running at least 1) or 0 for none, got '${text}'`,
    );
  }
  return limit;
}

export class AgentConcurrency {
  readonly #limit: ConcurrencyLimit;
  /** Agents with operations running or waiting; an agent's entry goes when its last one ends. */
  readonly #agents = new Map<string, { run: LimitFunction; holders: number }>();

  constructor(limit: ConcurrencyLimit) {
    if (!isValid(limit)) {
      throw new ValidationError(
        `agentConcurrency: expected { running: 1 or more, waiting: 0 or more }, got ${JSON.stringify(limit)}`,
      );
    }
    this.#limit = { running: limit.running, waiting: limit.waiting };
  }

  /** Runs `work` once the agent has a place; RateLimitedError at once when its queue is full too. */
  async run<T>(principal: Principal, work: () => Promise<T>): Promise<T> {
    const key = `${principal.namespace}/${principal.agentId}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = { run: pLimit(this.#limit.running), holders: 0 };
      this.#agents.set(key, agent);
    }
    const { running, waiting } = this.#limit;
    if (agent.holders >= running + waiting) {
      throw new RateLimitedError(
        `Agent '${principal.agentId}' already has ${running} requests running and ${waiting} waiting, the most allowed; retry in 1 s`,
        1,
      );
    }
    agent.holders++;
    try {
      return await agent.run(work);
    } finally {
      if (--agent.holders === 0) this.#agents.delete(key);
    }
  }
}

function isValid(limit: ConcurrencyLimit): boolean {
  return (
    Number.isInteger(limit.running) &&
    Number.isInteger(limit.waiting) &&
    limit.running >= 1 &&
    limit.running <= 10_000 &&
    limit.waiting >= 0 &&
    limit.waiting <= 100_000
  );
}
