import { PATTERN_TYPES, type PatternType } from '../patterns/pattern-type.js';

export interface LatencySummary {
  /** Samples the percentiles are computed over (the most recent ones). */
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface ExecutionCounters {
  /** Every call to execute, including cache hits, failures and rejected input. */
  totalExecutions: number;
  successfulExecutions: number;
  failedExecutions: number;
  /** successfulExecutions / totalExecutions, 0–100. */
  successRate: number;
  cacheHits: number;
  /** cacheHits / totalExecutions, 0–100. */
  cacheHitRate: number;
  /** Tokens of executions that ran (cache hits cost none). */
  tokensUsed: number;
  /** Tokens that cache hits did not spend. */
  tokensSavedByCache: number;
  routedExecutions: number;
  /** Executed (not cached) latency per pattern type, and of cache hits. */
  latencyMs: { byType: Record<PatternType, LatencySummary>; cacheHits: LatencySummary };
  byPattern: Record<string, { executions: number; successes: number; cacheHits: number; tokensUsed: number }>;
  /** Failed executions by error code. */
  errors: Record<string, number>;
}

export interface ExecutionSample {
  pattern: string | null;
  patternType: PatternType | null;
  success: boolean;
  cacheHit: boolean;
  routed: boolean;
  durationMs: number;
  tokensUsed: number;
  tokensSaved: number;
  errorCode: string | null;
}

/** Recent latencies kept per series: enough for a stable p99, bounded in memory. */
const WINDOW = 4096;

class LatencyWindow {
  readonly #values = new Float64Array(WINDOW);
  #count = 0;

  add(ms: number): void {
    this.#values[this.#count++ % WINDOW] = ms;
  }

  summary(): LatencySummary {
    return summarizeLatencies(this.#values.subarray(0, Math.min(this.#count, WINDOW)));
  }
}

/** Nearest-rank percentiles and mean of a set of durations. */
export function summarizeLatencies(values: ArrayLike<number>): LatencySummary {
  const n = values.length;
  if (n === 0) return { samples: 0, p50: 0, p95: 0, p99: 0, mean: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => round(sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!);
  return { samples: n, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: round(sorted.reduce((s, v) => s + v, 0) / n) };
}

/** In-process accounting of executions; one definition per figure (see ExecutionCounters). */
export class ExecutionStats {
  #total = 0;
  #successes = 0;
  #cacheHits = 0;
  #tokensUsed = 0;
  #tokensSaved = 0;
  #routed = 0;
  readonly #byType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, new LatencyWindow()])) as Record<
    PatternType,
    LatencyWindow
  >;
  readonly #cacheHitLatency = new LatencyWindow();
  readonly #byPattern = new Map<
    string,
    { executions: number; successes: number; cacheHits: number; tokensUsed: number }
  >();
  readonly #errors = new Map<string, number>();

  record(sample: ExecutionSample): void {
    this.#total++;
    if (sample.success) this.#successes++;
    if (sample.routed) this.#routed++;
    this.#tokensUsed += sample.tokensUsed;
    this.#tokensSaved += sample.tokensSaved;
    if (sample.cacheHit) {
      this.#cacheHits++;
      this.#cacheHitLatency.add(sample.durationMs);
    } else if (sample.patternType !== null) {
      this.#byType[sample.patternType].add(sample.durationMs);
    }
    if (sample.errorCode !== null) this.#errors.set(sample.errorCode, (this.#errors.get(sample.errorCode) ?? 0) + 1);
    if (sample.pattern !== null) {
      let entry = this.#byPattern.get(sample.pattern);
      if (!entry) {
        entry = { executions: 0, successes: 0, cacheHits: 0, tokensUsed: 0 };
        this.#byPattern.set(sample.pattern, entry);
      }
      entry.executions++;
      if (sample.success) entry.successes++;
      if (sample.cacheHit) entry.cacheHits++;
      entry.tokensUsed += sample.tokensUsed;
    }
  }

  snapshot(): ExecutionCounters {
    return {
      totalExecutions: this.#total,
      successfulExecutions: this.#successes,
      failedExecutions: this.#total - this.#successes,
      successRate: percent(this.#successes, this.#total),
      cacheHits: this.#cacheHits,
      cacheHitRate: percent(this.#cacheHits, this.#total),
      tokensUsed: this.#tokensUsed,
      tokensSavedByCache: this.#tokensSaved,
      routedExecutions: this.#routed,
      latencyMs: {
        byType: Object.fromEntries(PATTERN_TYPES.map((t) => [t, this.#byType[t].summary()])) as Record<
          PatternType,
          LatencySummary
        >,
        cacheHits: this.#cacheHitLatency.summary(),
      },
      byPattern: Object.fromEntries([...this.#byPattern].map(([name, entry]) => [name, { ...entry }])),
      errors: Object.fromEntries(this.#errors),
    };
  }
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
