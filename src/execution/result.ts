import type { CacheTier } from '../cache/result-cache.js';
import type { ErrorCode } from '../errors.js';
import type { ActionName } from '../patterns/actions.js';
import type { ExecutionMode, PatternType } from '../patterns/pattern-type.js';
import type { RoutingDecision } from '../routing/route-classifier.js';

export interface ExecutionMetadata {
  patternType: PatternType;
  action: ActionName;
  mode: ExecutionMode;
  /** The path that served the query: memory reads in COMPREHENSIVE mode take the hybrid path. */
  executionPath: PatternType;
  namespace: string;
  agentId: string;
  params: Record<string, string | number | boolean>;
  /** Present on cache hits: which tier answered. */
  cacheTier?: CacheTier;
  /** Present on cache hits: the tokens the hit did not spend. */
  tokensSaved?: number;
  /** Present when no trigger matched and the router chose the route. */
  routing?: RoutingDecision;
  /** Present when the query named a time window the action applied to the memories' creation time. */
  window?: WindowReport;
}

/** A created-time window as results report it: `from` inclusive, `to` exclusive, null when open. */
export interface WindowReport {
  from: string | null;
  to: string | null;
  /** The words that named it. */
  description: string;
  /** The IANA time zone its calendar words were read in. */
  timezone: string;
}

/** The outcome of one `execute` call. Results served from the cache are frozen. */
export interface ExecutionResult {
  patternName: string;
  success: boolean;
  /** The action's structured answer (documented per action in the README), or null on failure. */
  result: Record<string, unknown> | null;
  executionTimeMs: number;
  /** Tokens this call consumed: the pattern's cost, or 0 when served from the cache. */
  tokensUsed: number;
  cacheHit: boolean;
  error: string | null;
  errorCode: ErrorCode | null;
  /** With some failures: what the error is about (an ambiguous forget lists its candidates). */
  errorDetails?: Record<string, unknown>;
  metadata: ExecutionMetadata;
}
