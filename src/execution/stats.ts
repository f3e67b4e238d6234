import { PATTERN_TYPES, type PatternType } from '../patterns/pattern-type.js';
import { TimelineRing, type ExecutionTimeline } from './stats-timeline.js';

export type { ExecutionTimeline } from './stats-timeline.js';

export interface LatencySummary {
  /** Samples the percentiles are computed over (the most recent ones). */
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface PatternCounters {
  executions: number;
  successes: number;
  cacheHits: number;
  /** cacheHits / executions, 0–100. */
  cacheHitRate: number;
  tokensUsed: number;
  /** Latency of its executed (not cached) runs, over the most recent ones. */
  latencyMs: LatencySummary;
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
  byPattern: Record<string, PatternCounters>;
  /** Failed executions by error code. */
  errors: Record<string, number>;
  /** The last ten minutes in five-second buckets. */
  timeline: ExecutionTimeline;
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

/** How many recent latencies each series keeps: enough for a stable p99, bounded in memory. */
export interface LatencyWindows {
  /** Per pattern type and for cache hits. */
  byType: number;
  /** Per pattern. */
  byPattern: number;
}

export const DEFAULT_LATENCY_WINDOWS: LatencyWindows = { byType: 4096, byPattern: 512 };

/** The most recent `capacity` durations; grows with use, so a quiet series costs little. */
class LatencyWindow {
  readonly #capacity: number;
  readonly #values: number[] = [];
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(ms: number): void {
    if (this.#values.length < this.#capacity) {
      this.#values.push(ms);
      return;
    }
    this.#values[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  summary(): LatencySummary {
    return summarizeLatencies(this.#values);
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

interface PatternEntry {
  executions: number;
  successes: number;
  cacheHits: number;
  tokensUsed: number;
  latency: LatencyWindow;
}

/** In-process accounting of executions; one definition per figure (see ExecutionCounters). */
export class ExecutionStats {
  readonly #windows: LatencyWindows;
  #total = 0;
  #successes = 0;
  #cacheHits = 0;
  #tokensUsed = 0;
  #tokensSaved = 0;
  #routed = 0;
  readonly #byType: Record<PatternType, LatencyWindow>;
  readonly #cacheHitLatency: LatencyWindow;
  readonly #byPattern = new Map<string, PatternEntry>();
  readonly #errors = new Map<string, number>();
  readonly #timeline = new TimelineRing();

  constructor(windows: LatencyWindows = DEFAULT_LATENCY_WINDOWS) {
    this.#windows = windows;
    this.#byType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, new LatencyWindow(windows.byType)])) as Record<
      PatternType,
      LatencyWindow
    >;
    this.#cacheHitLatency = new LatencyWindow(windows.byType);
  }

  /** `at`: epoch milliseconds of the execution, for the timeline. */
  record(sample: ExecutionSample, at: number): void {
    this.#total++;
    if (sample.success) this.#successes++;
    if (sample.routed) this.#routed++;
    this.#tokensUsed += sample.tokensUsed;
    this.#tokensSaved += sample.tokensSaved;
    this.#timeline.add(at, sample);
    if (sample.cacheHit) {
      this.#cacheHits++;
      this.#cacheHitLatency.add(sample.durationMs);
    } else if (sample.patternType !== null) {
      this.#byType[sample.patternType].add(sample.durationMs);
    }
    if (sample.errorCode !== null) this.#errors.set(sample.errorCode, (this.#errors.get(sample.errorCode) ?? 0) + 1);
    if (sample.pattern !== null) this.#recordPattern(sample.pattern, sample);
  }

  /** `now`: epoch milliseconds, the end of the timeline. */
  snapshot(now: number): ExecutionCounters {
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
      byPattern: Object.fromEntries(
        [...this.#byPattern].map(([name, { latency, ...counts }]) => [
          name,
          { ...counts, cacheHitRate: percent(counts.cacheHits, counts.executions), latencyMs: latency.summary() },
        ]),
      ),
      errors: Object.fromEntries(this.#errors),
      timeline: this.#timeline.snapshot(now),
    };
  }

  #recordPattern(name: string, sample: ExecutionSample): void {
    let entry = this.#byPattern.get(name);
    if (!entry) {
      entry = {
        executions: 0,
        successes: 0,
        cacheHits: 0,
        tokensUsed: 0,
        latency: new LatencyWindow(this.#windows.byPattern),
      };
      this.#byPattern.set(name, entry);
    }
    entry.executions++;
    if (sample.success) entry.successes++;
    if (sample.cacheHit) entry.cacheHits++;
    else entry.latency.add(sample.durationMs);
    entry.tokensUsed += sample.tokensUsed;
  }
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
