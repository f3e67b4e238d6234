import type { ExecutionMode } from '../patterns/pattern-type.js';
import type { PatternRegistry } from '../patterns/registry.js';
import { RouteClassifier, type RouterOptions, type RoutingDecision } from '../routing/route-classifier.js';
import { planQuery } from './planner.js';

/**
 * The seed's router: the route classifier, plus `route`, which answers with the routing
 * decision of the engine's own plan for the query (the same planner, registry and
 * threshold), so it can never disagree with what `execute` does.
 */
export class HybridDecisionRouter extends RouteClassifier {
  readonly #registry: PatternRegistry;

  constructor(registry: PatternRegistry, options: RouterOptions = {}) {
    super(registry, options);
    this.#registry = registry;
  }

  /** Validates its input like `execute` (throwing ValidationError), then decides; counts nothing. */
  async route(
    query: string,
    executionMode: ExecutionMode = 'balanced',
    context?: Record<string, unknown>,
  ): Promise<RoutingDecision> {
    const plan = planQuery(
      query,
      { executionMode, context },
      { registry: this.#registry, classifier: this },
      Date.now(),
    );
    if (plan.status === 'invalid') throw plan.error;
    return plan.routing;
  }
}
