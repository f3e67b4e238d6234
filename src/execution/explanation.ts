import type { CandidateReport, MatchExplanation } from '../patterns/registry.js';
import type { ExecutionMode, PatternType } from '../patterns/pattern-type.js';
import type { Role } from '../patterns/definition.js';
import type { RoutingDecision } from '../routing/route-classifier.js';
import { resolveWindow } from '../time/resolve-window.js';
import type { ExecutionPlan } from './planner.js';
import type { WindowReport } from './result.js';

/** What `execute` would do with a query, without doing it: a plan, described. */
export interface Explanation {
  query: string;
  mode: ExecutionMode;
  /** The trigger that matched in this mode, with the parameters the action would receive. */
  matched: {
    pattern: string;
    patternType: PatternType;
    action: string;
    params: Record<string, string | number | boolean>;
    matchedText: string;
  } | null;
  routing: RoutingDecision;
  /** Every pattern the matcher tried in this mode and what happened (from the registry's explain). */
  candidates: CandidateReport[];
  /** Why the matched pattern won over the others, when one matched. */
  winner: MatchExplanation['winner'];
  /** The pattern `execute` would run, or null when it would answer PATTERN_NOT_FOUND. */
  pattern: string | null;
  /** Seconds a successful result would be cached (0: never). */
  cacheTtl: number;
  /** The role running it needs, or null when nothing would run. */
  requiredRole: Role | null;
  /** The created-time window the run would apply, placed on the calendar now; null when none. */
  window: WindowReport | null;
  /** What the pattern would read, without the window's words. */
  text: string | null;
}

/** Describes a traced plan at `now`; throws the plan's error when the input itself was refused. */
export function describePlan(plan: ExecutionPlan, now: number): Explanation {
  if (plan.status === 'invalid') throw plan.error;
  const { request, routing, trace } = plan;
  const run = plan.status === 'run' ? plan : undefined;
  return {
    query: request.query,
    mode: request.mode,
    matched:
      run?.decidedBy === 'trigger'
        ? {
            pattern: run.pattern.name,
            patternType: run.pattern.patternType,
            action: run.pattern.action,
            params: { ...run.params },
            matchedText: run.matchedText,
          }
        : null,
    routing,
    candidates: trace?.candidates ?? [],
    winner: trace?.winner ?? null,
    pattern: run?.pattern.name ?? null,
    cacheTtl: run?.cache.ttlSeconds ?? 0,
    requiredRole: run?.requiredRole ?? null,
    window: run?.window ? windowReport(run, now) : null,
    text: run?.text ?? null,
  };
}

function windowReport(run: Extract<ExecutionPlan, { status: 'run' }>, now: number): WindowReport {
  const { window, request } = run;
  const placed = resolveWindow(window!.specs, window!.description, now, request.timezone);
  const iso = (epoch: number | null) => (epoch === null ? null : new Date(epoch).toISOString());
  return { from: iso(placed.from), to: iso(placed.to), description: placed.description, timezone: request.timezone };
}
