import { PATTERN_TYPES, type PatternType } from '../patterns/pattern-type.js';
import type { ExecutionPlan } from './planner.js';

/** How executions found their pattern (server-wide: it counts every namespace's executions). */
export interface RouterStats {
  /** Executions the route classifier decided for: no trigger matched, in a mode that routes. */
  decisions: number;
  /** Executions a trigger served: nothing to decide. */
  byTriggerMatch: number;
  /** Decisions made by the keyword classifier: every decision, since a trigger match needs none. */
  byClassifier: number;
  /** Decisions below the confidence threshold: the execution answered PATTERN_NOT_FOUND. */
  belowThreshold: number;
  /** Decisions by the route they chose. */
  byType: Record<PatternType, number>;
  /** Mean confidence of the decisions, 0–1. */
  averageConfidence: number;
  confidenceThreshold: number;
}

/** Counts the routing of every execution the engine accounts for; explain and router.route plan without counting. */
export class RoutingCounters {
  #decisions = 0;
  #byTrigger = 0;
  #belowThreshold = 0;
  #confidenceSum = 0;
  readonly #byType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, 0])) as Record<PatternType, number>;
  readonly #threshold: number;

  constructor(confidenceThreshold: number) {
    this.#threshold = confidenceThreshold;
  }

  record(plan: ExecutionPlan): void {
    if (plan.decidedBy === 'trigger') this.#byTrigger++;
    if (plan.decidedBy !== 'router') return;
    const { confidence, patternType } = plan.routing;
    this.#decisions++;
    this.#confidenceSum += confidence;
    this.#byType[patternType]++;
    if (confidence < this.#threshold) this.#belowThreshold++;
  }

  snapshot(): RouterStats {
    return {
      decisions: this.#decisions,
      byTriggerMatch: this.#byTrigger,
      byClassifier: this.#decisions,
      belowThreshold: this.#belowThreshold,
      byType: { ...this.#byType },
      averageConfidence: this.#decisions === 0 ? 0 : Math.round((this.#confidenceSum / this.#decisions) * 1000) / 1000,
      confidenceThreshold: this.#threshold,
    };
  }
}
