import { UnknownPatternError } from '../errors.js';
import { PatternDefinition } from '../patterns/definition.js';
import { MODE_ALLOWED_TYPES, type ExecutionMode, type PatternType } from '../patterns/pattern-type.js';
import type { CandidateReport, MatchExplanation } from '../patterns/matcher.js';
import type { PatternRegistry, RegisterOptions } from '../patterns/registry.js';
import { HybridDecisionRouter, type RoutingDecision } from '../routing/router.js';
import { parseExecutionRequest } from './request.js';

/** What `execute` would do with a query, without doing it. */
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
}

/** Pattern management and explanation, on the engine's registry. */
export class PatternOperations {
  readonly #registry: PatternRegistry;
  readonly #confidenceThreshold: number;
  readonly #now: () => number;

  constructor(registry: PatternRegistry, confidenceThreshold: number, now: () => number) {
    this.#registry = registry;
    this.#confidenceThreshold = confidenceThreshold;
    this.#now = now;
  }

  /** Validates a snake_case config (as in pattern files) and registers it; bumps the registry version. */
  register(config: unknown, options: RegisterOptions = {}): PatternDefinition {
    const pattern = config instanceof PatternDefinition ? config : PatternDefinition.fromConfig(config);
    this.#registry.register(pattern, options);
    return pattern;
  }

  unregister(name: string): PatternDefinition {
    const pattern = this.get(name);
    this.#registry.unregister(pattern.name);
    return pattern;
  }

  get(name: string): PatternDefinition {
    const pattern = typeof name === 'string' ? this.#registry.get(name) : undefined;
    if (!pattern) {
      throw new UnknownPatternError(`No pattern named '${String(name)}' is registered`, { details: { name } });
    }
    return pattern;
  }

  /**
   * Explains a query under the same validation and matching as `execute`, with the
   * registry's candidate trace. Decisions come from a private router so explaining does not
   * count in the engine's routing statistics.
   */
  explain(query: unknown, executionMode?: unknown): Explanation {
    const request = parseExecutionRequest(query, executionMode === undefined ? {} : { executionMode }, this.#now());
    const router = new HybridDecisionRouter(this.#registry, { confidenceThreshold: this.#confidenceThreshold });
    const trace = this.#registry.explain(request.query, MODE_ALLOWED_TYPES[request.mode]);
    const match = trace.match;
    const routing = match
      ? router.fromMatch(match.pattern, request.mode)
      : router.classify(request.query, request.mode);
    const confident = routing.patternName !== null && routing.confidence >= this.#confidenceThreshold;
    const pattern =
      match?.pattern ?? (confident && request.mode !== 'fast' ? this.#registry.get(routing.patternName!) : undefined);
    return {
      query: request.query,
      mode: request.mode,
      matched: match && {
        pattern: match.pattern.name,
        patternType: match.pattern.patternType,
        action: match.pattern.action,
        params: { ...match.params },
        matchedText: match.matchedText,
      },
      routing,
      candidates: trace.candidates,
      winner: trace.winner,
      pattern: pattern?.name ?? null,
      cacheTtl: pattern?.effectiveCacheTtl ?? 0,
    };
  }
}
