/**
 * The parts of the API's JSON (snake_case, see docs/serving.md) the page reads. A memory is
 * the service's own record under its wire names (type-only imports: esbuild drops them).
 */
import type { AccessLevel, MemoryRecord } from '../memory/memory-record.js';
import type { PatternType } from '../patterns/pattern-type.js';
import type { WireOf } from '../wire-names.js';

export type { AccessLevel, PatternType };
/** As patterns/definition.ts's ROLES (that module needs Node's types, which the page does not have). */
export type Role = 'readonly' | 'agent' | 'admin';
export type Status = 'ok' | 'degraded' | 'down';

export interface Me {
  agent_id: string;
  namespace: string;
  role: Role;
  credential: string;
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface PatternFigures {
  executions: number;
  successes: number;
  cache_hits: number;
  cache_hit_rate: number;
  tokens_used: number;
  latency_ms: LatencySummary;
}

export interface Timeline {
  bucket_seconds: number;
  from: string;
  until: string;
  executions: number[];
  successes: number[];
  cache_hits: number[];
  tokens_used: number[];
  tokens_saved: number[];
}

export interface Stats {
  namespace: string | null;
  total_executions: number;
  successful_executions: number;
  failed_executions: number;
  success_rate: number;
  cache_hits: number;
  cache_hit_rate: number;
  tokens_used: number;
  tokens_saved_by_cache: number;
  latency_ms: { by_type: Record<PatternType, LatencySummary>; cache_hits: LatencySummary };
  by_pattern: Record<string, PatternFigures>;
  errors: Record<string, number>;
  timeline: Timeline;
  store: { backend: string };
  uptime_seconds: number;
  health: { store: { status: Status }; cache: { status: Status; tiers: Record<string, { status: Status }> } };
}

export interface Memory extends WireOf<MemoryRecord> {
  score?: number;
  lexical_rank?: number | null;
  semantic_rank?: number | null;
  similarity?: number | null;
}

export interface Pattern {
  name: string;
  pattern_type: PatternType;
  trigger_pattern: string;
  action?: string;
  cost_tokens?: number;
  priority?: number;
  cache_ttl?: number;
  description?: string;
  required_role: Role;
}

export interface Candidate {
  name: string;
  type: PatternType;
  priority: number;
  via: string;
  outcome: string;
  matched_text?: string;
  params?: Record<string, unknown>;
  param_errors?: string[];
}

export interface Explanation {
  query: string;
  mode: string;
  matched: {
    pattern: string;
    pattern_type: PatternType;
    action: string;
    params: Record<string, string | number | boolean>;
    matched_text: string;
  } | null;
  routing: {
    pattern_type: PatternType;
    confidence: number;
    reasoning: string;
    estimated_cost: number;
    alternative_routes: PatternType[];
    pattern_name: string | null;
    matched: boolean;
  };
  candidates: Candidate[];
  winner: { name: string; reason: string; detail: string } | null;
  /** The created-time window the query names, placed on the calendar now. */
  window: { from: string | null; to: string | null; description: string; timezone: string } | null;
  pattern: string | null;
  cache_ttl: number;
  required_role: Role | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  agent_id: string;
  namespace: string;
  operation: string;
  pattern: string | null;
  target: string | null;
  success: boolean;
  duration_ms: number;
  error_code: string | null;
  surface: string;
  /** Refusals are counted per minute into one entry. */
  count: number;
}
