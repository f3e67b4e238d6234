import { NotFoundError } from '../errors.js';
import type { PatternDefinition } from '../patterns/definition.js';
import { MODE_ALLOWED_TYPES } from '../patterns/pattern-type.js';
import type { PatternRegistry } from '../patterns/registry.js';
import type { HybridDecisionRouter, RoutingDecision } from '../routing/router.js';
import type { ExecutionRequest } from './request.js';

/** Which pattern serves a request, with its parameters; `routing` is set when no trigger matched. */
export interface Plan {
  pattern: PatternDefinition;
  params: Record<string, string | number | boolean>;
  matchedText: string;
  routing: RoutingDecision | undefined;
}

/**
 * The best match the mode allows; in FAST mode nothing else; otherwise the router's choice
 * when it is confident enough. Throws NotFoundError saying why nothing serves the query.
 */
export function planExecution(
  request: ExecutionRequest,
  registry: PatternRegistry,
  router: HybridDecisionRouter,
): Plan {
  const match = registry.match(request.query, MODE_ALLOWED_TYPES[request.mode]);
  if (match) return { ...match, params: { ...match.params }, routing: undefined };

  if (request.mode === 'fast') {
    const elsewhere = registry.match(request.query);
    if (elsewhere) {
      const { name, patternType } = elsewhere.pattern;
      throw new NotFoundError(
        `'${request.query}' matches ${patternType} pattern '${name}', which FAST mode does not run (it never touches memories); use BALANCED or COMPREHENSIVE`,
        { details: { pattern: name, patternType, mode: 'fast', servedBy: ['balanced', 'comprehensive'] } },
      );
    }
    throw new NotFoundError(
      `No infrastructure pattern matches '${request.query}' (FAST mode runs infrastructure patterns only)`,
      { details: { mode: 'fast' } },
    );
  }

  const routing = router.classify(request.query, request.mode);
  const pattern = routing.patternName === null ? undefined : registry.get(routing.patternName);
  if (!pattern || routing.confidence < router.confidenceThreshold) {
    throw new NotFoundError(`No pattern matches '${request.query}' and it could not be routed: ${routing.reasoning}`, {
      details: { routing },
    });
  }
  return { pattern, params: { ...pattern.params }, matchedText: '', routing };
}
