/**
 * @module routing/route-classifier
 * Which route (infrastructure, memory, hybrid) a query's words point to, and how clearly:
 * a pure classification with no state. Deciding what runs (a trigger first, the mode's
 * rules, the threshold) is the planner's (execution/planner.ts).
 */
import { ValidationError } from '../errors.js';
import { DEFAULT_ACTION } from '../patterns/actions.js';
import type { PatternDefinition } from '../patterns/definition.js';
import { MODE_ALLOWED_TYPES, type ExecutionMode, type PatternType } from '../patterns/pattern-type.js';
import type { PatternRegistry } from '../patterns/registry.js';
import { isQuestion, isSmallTalk, stem, topicWords, words } from '../text.js';
import { ROUTE_KEYWORDS } from './keywords.js';

export interface RoutingDecision {
  patternType: PatternType;
  /** 0–1. A trigger match is 1; otherwise how clearly the query's words point to one route. */
  confidence: number;
  reasoning: string;
  estimatedCost: number;
  /** The other routes the mode allows, most likely first. */
  alternativeRoutes: PatternType[];
  /** The pattern that would serve the query, or null if the route has none. */
  patternName: string | null;
  /** True when a trigger matched; false when the keyword classifier decided. */
  matched: boolean;
}

export interface RouterOptions {
  /** Below this confidence an unmatched query is not executed. @default 0.5 */
  confidenceThreshold?: number;
}

/**
 * The routing decision for a query: a matching trigger wins outright (fromMatch); otherwise
 * weighted keywords vote for a route (classify), and confidence = share of the winning route
 * × how much evidence there is (1 − e^(−total weight)), so one weak word never clears the
 * threshold.
 */
export class RouteClassifier {
  readonly confidenceThreshold: number;
  readonly #registry: PatternRegistry;

  constructor(registry: PatternRegistry, options: RouterOptions = {}) {
    const threshold = options.confidenceThreshold ?? 0.5;
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new ValidationError(`confidenceThreshold: expected 0 to 1, got ${threshold}`);
    }
    this.#registry = registry;
    this.confidenceThreshold = threshold;
  }

  /** The decision for a query whose trigger matched. */
  fromMatch(pattern: PatternDefinition, mode: ExecutionMode): RoutingDecision {
    return {
      patternType: pattern.patternType,
      confidence: 1,
      reasoning: `trigger of pattern '${pattern.name}' (priority ${pattern.priority}) matched`,
      estimatedCost: pattern.costTokens,
      alternativeRoutes: MODE_ALLOWED_TYPES[mode].filter((t) => t !== pattern.patternType),
      patternName: pattern.name,
      matched: true,
    };
  }

  /**
   * The decision for a query no trigger matched, from its words; a question the words do not
   * confidently send to infrastructure is answered from memories (see #question).
   */
  classify(query: string, mode: ExecutionMode): RoutingDecision {
    const byWords = this.#byKeywords(query, mode);
    // One infrastructure word ("tools", "config") does not make a question about the service
    // itself; several do ("is the server alive, what is its uptime").
    const infrastructure =
      byWords.patternType === 'infrastructure' &&
      byWords.confidence >= Math.max(this.confidenceThreshold, INFRASTRUCTURE_QUESTION_CONFIDENCE);
    return (!infrastructure && this.#question(query, mode)) || byWords;
  }

  #byKeywords(query: string, mode: ExecutionMode): RoutingDecision {
    const allowed = MODE_ALLOWED_TYPES[mode];
    const scores = new Map<PatternType, number>(allowed.map((t) => [t, 0]));
    const evidence = new Map<PatternType, string[]>(allowed.map((t) => [t, []]));
    for (const word of new Set(words(query))) {
      for (const [type, weight] of ROUTE_KEYWORDS.get(stem(word)) ?? []) {
        if (!scores.has(type)) continue;
        scores.set(type, scores.get(type)! + weight);
        evidence.get(type)!.push(`${word} ${weight}`);
      }
    }
    const ranked = [...scores].sort((a, b) => b[1] - a[1] || allowed.indexOf(a[0]) - allowed.indexOf(b[0]));
    const [top, topScore] = ranked[0]!;
    const total = ranked.reduce((sum, [, score]) => sum + score, 0);
    const confidence = total === 0 ? 0 : round((topScore / total) * (1 - Math.exp(-total)));
    const pattern = this.defaultPattern(top);
    const because =
      total === 0 ? 'no route keywords in the query' : `keywords point to ${top} (${evidence.get(top)!.join(', ')})`;
    const verdict =
      confidence >= this.confidenceThreshold
        ? `confidence ${confidence} ≥ threshold ${this.confidenceThreshold}`
        : `confidence ${confidence} < threshold ${this.confidenceThreshold}`;
    return {
      patternType: top,
      confidence,
      reasoning: `no trigger matched; ${because}; ${verdict}${pattern ? `; served by '${pattern.name}'` : '; no pattern serves free text on this route'}`,
      estimatedCost: pattern?.costTokens ?? 0,
      alternativeRoutes: ranked.slice(1).map(([t]) => t),
      patternName: pattern?.name ?? null,
      matched: false,
    };
  }

  /**
   * A question with no command verb ("how do we represent currency values?") asks what the
   * memories know: it goes to the hybrid search (lexical + semantic), which only reads, even
   * when its words lean to plain recall, because questions are paraphrases more often than not. Small
   * talk ("how are you?") and questions with no topic word are left to the keyword classifier,
   * which finds no route for them.
   */
  #question(query: string, mode: ExecutionMode): RoutingDecision | undefined {
    if (!MODE_ALLOWED_TYPES[mode].includes('hybrid') || !isQuestion(query)) return undefined;
    const topic = topicWords(query);
    if (topic.length === 0 || isSmallTalk(query)) return undefined;
    const pattern = this.defaultPattern('hybrid');
    if (!pattern) return undefined;
    return {
      patternType: 'hybrid',
      confidence: QUESTION_CONFIDENCE,
      reasoning: `no trigger matched; a question about '${topic.join(' ')}' is answered from memories by '${pattern.name}' (reads only)`,
      estimatedCost: pattern.costTokens,
      alternativeRoutes: MODE_ALLOWED_TYPES[mode].filter((t) => t !== 'hybrid'),
      patternName: pattern.name,
      matched: false,
    };
  }

  /**
   * The decision for a read that says which memories by when they were written or how they are
   * tagged ("what do we have from Wednesday?", "entries with the tag oncall", "incidents last
   * week"): served by the memory route's own pattern, which lists them, or searches them for the
   * topic. `why` completes the reasoning.
   */
  memoryRead(why: string, mode: ExecutionMode): RoutingDecision | undefined {
    if (!MODE_ALLOWED_TYPES[mode].includes('memory')) return undefined;
    const pattern = this.defaultPattern('memory');
    if (!pattern) return undefined;
    return {
      patternType: 'memory',
      confidence: NAMED_READ_CONFIDENCE,
      reasoning: `no trigger matched; ${why}, so '${pattern.name}' reads them (reads only)`,
      estimatedCost: pattern.costTokens,
      alternativeRoutes: MODE_ALLOWED_TYPES[mode].filter((t) => t !== 'memory'),
      patternName: pattern.name,
      matched: false,
    };
  }

  /** The pattern that serves free text routed to a type: the best one running the type's default action. */
  defaultPattern(type: PatternType): PatternDefinition | undefined {
    if (type === 'infrastructure') return undefined;
    return this.#registry.list(type).find((p) => p.action === DEFAULT_ACTION[type]);
  }
}

/** A question with topic words is a clear request to search, whatever the threshold's usual range. */
const QUESTION_CONFIDENCE = 0.8;
/** So is a read that names a time window or tags. */
const NAMED_READ_CONFIDENCE = 0.8;
/** Keyword confidence at which a question is about the service's infrastructure, not memories. */
const INFRASTRUCTURE_QUESTION_CONFIDENCE = 0.7;

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
