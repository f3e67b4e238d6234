import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { ExecutionLog, ExecutionRecord, ExecutionSummary } from '../memory/execution-log.js';
import type { ErrorCode } from '../errors.js';
import type { ExecutionPlan, RunPlan } from './planner.js';
import type { ExecutionResult } from './result.js';
import { RoutingCounters, type RouterStats } from './routing-stats.js';
import { ExecutionStats, type ExecutionCounters, type ExecutionSample } from './stats.js';

const FLUSH_MS = 250;
const FLUSH_BATCH = 256;
/**
 * Namespaces whose figures are kept apart (the least recently active beyond this start
 * again from zero); each costs a few KiB plus its recent latencies.
 */
const MAX_NAMESPACES = 1000;
const NAMESPACE_WINDOWS = { byType: 1024, byPattern: 256 };

/**
 * Accounts for every execution: in process (ExecutionStats, for every namespace together
 * and for each apart, so a caller can be shown its own namespace's figures only, and how
 * each found its pattern) and, when a log is given, durably, appended in batches off the
 * hot path so a call never waits on the write.
 */
export class ExecutionAccounting {
  readonly #stats = new ExecutionStats();
  readonly #routing: RoutingCounters;
  readonly #byNamespace = new LRUCache<string, ExecutionStats>({ max: MAX_NAMESPACES });
  readonly #log: ExecutionLog | undefined;
  readonly #logger: Logger;
  readonly #now: () => number;
  #pending: ExecutionRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(log: ExecutionLog | undefined, logger: Logger, now: () => number, confidenceThreshold: number) {
    this.#routing = new RoutingCounters(confidenceThreshold);
    this.#log = log;
    this.#logger = logger;
    this.#now = now;
  }

  /** A plan that ran, to success or to a failed action. */
  recordRun(plan: RunPlan, result: ExecutionResult): void {
    this.record(plan, {
      pattern: plan.pattern.name,
      patternType: plan.pattern.patternType,
      success: result.success,
      cacheHit: result.cacheHit,
      routed: plan.decidedBy === 'router',
      durationMs: result.executionTimeMs,
      tokensUsed: result.tokensUsed,
      tokensSaved: result.cacheHit ? plan.pattern.costTokens : 0,
      errorCode: result.errorCode,
    });
  }

  /** A plan that did not run: refused after planning, or failed before its action. */
  recordRefusal(plan: ExecutionPlan, errorCode: ErrorCode): void {
    this.record(plan, {
      pattern: null,
      patternType: null,
      success: false,
      cacheHit: false,
      routed: false,
      durationMs: performance.now() - plan.startedAt,
      tokensUsed: 0,
      tokensSaved: 0,
      errorCode,
    });
  }

  /** An execution of `plan`; one whose input was refused names no namespace and counts in the total only. */
  record(plan: ExecutionPlan, sample: ExecutionSample): void {
    const { request } = plan;
    const at = this.#now();
    this.#stats.record(sample, at);
    this.#routing.record(plan);
    if (request) this.#namespaceStats(request.namespace).record(sample, at);
    if (!this.#log || this.#closed) return;
    this.#pending.push({
      at,
      agentId: request?.agentId ?? 'unknown',
      namespace: request?.namespace ?? 'unknown',
      pattern: sample.pattern,
      patternType: sample.patternType,
      mode: request?.mode ?? 'unknown',
      success: sample.success,
      cacheHit: sample.cacheHit,
      durationMs: sample.durationMs,
      tokensUsed: sample.tokensUsed,
      tokensSaved: sample.tokensSaved,
      errorCode: sample.errorCode,
    });
    if (this.#pending.length >= FLUSH_BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Every namespace's executions together, or one namespace's (all zero if it has none). */
  snapshot(namespace?: string): ExecutionCounters {
    const stats = namespace === undefined ? this.#stats : (this.#byNamespace.get(namespace) ?? new ExecutionStats());
    return stats.snapshot(this.#now());
  }

  routing(): RouterStats {
    return this.#routing.snapshot();
  }

  /** The durable summary across every process that used the same store, or null without a log. */
  async summary(): Promise<ExecutionSummary | null> {
    await this.flush();
    return this.#log ? this.#log.summary() : null;
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const records = this.#pending;
    if (records.length === 0 || !this.#log) return;
    this.#pending = [];
    try {
      await this.#log.append(records);
    } catch (error) {
      this.#logger.warn({ err: error, dropped: records.length }, 'could not write the execution log');
    }
  }

  #namespaceStats(namespace: string): ExecutionStats {
    let stats = this.#byNamespace.get(namespace);
    if (!stats) {
      stats = new ExecutionStats(NAMESPACE_WINDOWS);
      this.#byNamespace.set(namespace, stats);
    }
    return stats;
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }
}
