import type { Logger } from 'pino';
import type { ExecutionLog, ExecutionRecord, ExecutionSummary } from '../memory/execution-log.js';
import type { ExecutionRequest } from './request.js';
import { ExecutionStats, type ExecutionCounters, type ExecutionSample } from './stats.js';

const FLUSH_MS = 250;
const FLUSH_BATCH = 256;

/**
 * Accounts for every execution: in process (ExecutionStats) and, when a log is given,
 * durably, appended in batches off the hot path so a call never waits on the write.
 */
export class ExecutionAccounting {
  readonly #stats = new ExecutionStats();
  readonly #log: ExecutionLog | undefined;
  readonly #logger: Logger;
  readonly #now: () => number;
  #pending: ExecutionRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(log: ExecutionLog | undefined, logger: Logger, now: () => number) {
    this.#log = log;
    this.#logger = logger;
    this.#now = now;
  }

  record(request: ExecutionRequest | undefined, sample: ExecutionSample): void {
    this.#stats.record(sample);
    if (!this.#log || this.#closed) return;
    this.#pending.push({
      at: this.#now(),
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

  snapshot(): ExecutionCounters {
    return this.#stats.snapshot();
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

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }
}
