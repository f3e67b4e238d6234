import type { PatternType } from '../patterns/pattern-type.js';

/** One execution, as accounted for durably (the CLI's `stats` reads these across processes). */
export interface ExecutionRecord {
  /** Epoch milliseconds. */
  at: number;
  agentId: string;
  namespace: string;
  pattern: string | null;
  patternType: PatternType | null;
  mode: string;
  success: boolean;
  cacheHit: boolean;
  durationMs: number;
  tokensUsed: number;
  tokensSaved: number;
  errorCode: string | null;
}

export interface PatternSummary {
  pattern: string;
  patternType: PatternType | null;
  executions: number;
  successes: number;
  cacheHits: number;
  tokensUsed: number;
}

export interface ExecutionSummary {
  executions: number;
  successes: number;
  cacheHits: number;
  tokensUsed: number;
  tokensSaved: number;
  byPattern: PatternSummary[];
  /** Durations of recent executions per pattern type, for percentiles. */
  recentDurations: Partial<Record<PatternType, number[]>>;
  firstAt: string | null;
  lastAt: string | null;
}

/** Durable, append-only accounting of executions. */
export interface ExecutionLog {
  append(records: readonly ExecutionRecord[]): Promise<void>;
  summary(): Promise<ExecutionSummary>;
}
