/**
 * @module execution/planner
 * The one place that decides what a query does: it validates the input, matches a trigger
 * (or asks the route classifier), applies the mode's rules and the routing threshold, and
 * states the role the run needs and how its result may be cached. A plan is an immutable
 * value: the engine runs it, the gateway authorizes it in between, and explain, the seed's
 * router.route and the CLI describe it.
 */
import { PatternNotFoundError, PatternServiceError } from '../errors.js';
import type { PatternDefinition, Role } from '../patterns/definition.js';
import { MODE_ALLOWED_TYPES } from '../patterns/pattern-type.js';
import type { PatternMatch } from '../patterns/matcher.js';
import type { MatchExplanation, PatternRegistry } from '../patterns/registry.js';
import type { RouteClassifier, RoutingDecision } from '../routing/route-classifier.js';
import { requestFirst, requestsIn, unservableCondition, writeIntentVerb } from '../routing/write-intent.js';
import { isQuestion, isSmallTalk, normalizeQuery, withoutChatter } from '../text.js';
import type { WindowSpec } from '../time/periods.js';
import { extractWindows } from '../time/window-phrases.js';
import { parseExecutionRequest, type ExecutionRequest } from './request.js';
import { readSubject } from './executors/subject.js';
import { requiredRoleFor } from './required-role.js';

/** How a successful result may be cached. */
export interface CachePolicy {
  /** Seconds a successful result is kept (0: never). */
  readonly ttlSeconds: number;
  /** Whether this execution reads and fills the cache: the call allows it and the TTL is above 0. */
  readonly enabled: boolean;
  /** Results that read memories are keyed by the namespace's generation too, so a write retires them. */
  readonly byGeneration: boolean;
  /**
   * Everything else that makes two results differ: the pattern set, mode, caller, pattern,
   * the only context a read uses (`limit`) and the normalised query. Empty when not enabled.
   */
  readonly key: string;
}

/** Every pattern the matcher tried and why the winner won (the registry's explain, without its match). */
export type PlanTrace = Omit<MatchExplanation, 'match'> & { version: number; types: readonly string[] };

interface PlanCommon {
  /** performance.now() when planning began: the execution's time counts from here. */
  readonly startedAt: number;
  /** Present when planned with `trace: true`. */
  readonly trace: PlanTrace | undefined;
}

/** A time window the command named, as words: placed on the calendar when the plan runs. */
export interface PlannedWindow {
  readonly specs: readonly WindowSpec[];
  /** The words that named it ("since last Monday"). */
  readonly description: string;
}

/** A pattern will run. */
export interface RunPlan extends PlanCommon {
  readonly status: 'run';
  readonly request: ExecutionRequest;
  readonly pattern: PatternDefinition;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** What the trigger matched ('' when routed). */
  readonly matchedText: string;
  /** The query as the pattern read it: without the window's words when the action takes the window. */
  readonly text: string;
  /** The created-time window the memories the action touches must fall in, when the query names one. */
  readonly window: PlannedWindow | undefined;
  /** A trigger match (confidence 1), or the classifier's decision. */
  readonly routing: RoutingDecision;
  readonly decidedBy: 'trigger' | 'router';
  readonly requiredRole: Role;
  readonly cache: CachePolicy;
}

/** Nothing serves the query in its mode: running the plan answers `error` (PATTERN_NOT_FOUND). */
export interface NotFoundPlan extends PlanCommon {
  readonly status: 'not-found';
  readonly request: ExecutionRequest;
  readonly pattern: null;
  readonly routing: RoutingDecision;
  /** `router`: routed without confidence (or to a route no pattern serves); `mode`: FAST runs infrastructure only. */
  readonly decidedBy: 'router' | 'mode';
  readonly error: PatternNotFoundError;
}

/** The input itself is refused (VALIDATION_ERROR, PAYLOAD_TOO_LARGE). */
export interface InvalidPlan extends PlanCommon {
  readonly status: 'invalid';
  readonly request: undefined;
  readonly pattern: null;
  readonly routing: undefined;
  readonly decidedBy: 'input';
  readonly error: PatternServiceError;
}

export type ExecutionPlan = RunPlan | NotFoundPlan | InvalidPlan;

export interface Planner {
  registry: PatternRegistry;
  classifier: RouteClassifier;
}

/**
 * Plans a query exactly as `execute` would run it; never throws for bad input (the plan says
 * so). `now` (epoch ms) checks expiry times in the context; `trace` adds the candidates.
 */
export function planQuery(
  query: unknown,
  options: unknown,
  { registry, classifier }: Planner,
  now: number,
  trace = false,
): ExecutionPlan {
  const startedAt = performance.now();
  let request: ExecutionRequest;
  try {
    request = Object.freeze(parseExecutionRequest(query, options, now));
  } catch (error) {
    if (!(error instanceof PatternServiceError)) throw error;
    return freeze({ status: 'invalid', startedAt, trace: undefined, request: undefined, ...UNDECIDED, error });
  }
  const allowed = MODE_ALLOWED_TYPES[request.mode];
  const matchOf = (text: string) => {
    if (!trace) return { match: registry.match(text, allowed), explained: undefined };
    const explained = registry.explain(text, allowed);
    return { match: explained.match, explained };
  };
  // The command without a person's chat around it ("ok so", "fyi", "re: X, …"), and a request
  // said later in it put first ("the X note, delete it" → "delete the X note").
  const chat = withoutChatter(request.query);
  const said = requestFirst(chat) ?? chat;
  // A window ("since Monday") is taken out before matching, for the actions that apply one; a
  // write of new text ("save note: we moved on Monday") keeps every word of it.
  const windowed = extractWindows(said);
  const hasWindow = windowed.windows.length > 0;
  // The query without its window, when a pattern that applies windows reads it so.
  const stripped = hasWindow && windowed.text !== '' ? matchOf(windowed.text) : undefined;
  const strippedMatch = stripped?.match?.pattern.actionInfo.windowed ? stripped : undefined;
  const whole = matchOf(said);
  // The higher priority wins ("recent caching notes" is a temporal analysis, even though
  // "caching notes" alone is a listing); on a tie, the reading without the window's words.
  const useStripped =
    strippedMatch !== undefined &&
    (whole.match === null || strippedMatch.match!.pattern.priority >= whole.match.pattern.priority);
  const { explained } = useStripped ? strippedMatch : whole;
  let { match } = useStripped ? strippedMatch : whole;
  let window: PlannedWindow | undefined;
  let text = said;
  if (useStripped) {
    text = windowed.text;
    window = plannedWindow(windowed.windows);
  } else if (match?.pattern.actionInfo.windowed && hasWindow) {
    // The window's words were the trigger's own ("recent … over the last 2 weeks"): the pattern
    // matched the whole query, and the window is taken out of what it captured.
    match = { ...match, params: withoutPhrases(match.params, windowed.windows) };
    text = windowed.text === '' ? said : windowed.text;
    window = plannedWindow(windowed.windows);
  }
  const common = { startedAt, request, trace: explained && withoutMatch(explained) };
  // FAST mode's own refusal already names the write pattern a memory command would need.
  const writeVerb = writeIntentVerb(said);
  const unserved = writeVerb === undefined ? undefined : unservedWrite(request, chat);
  if (unserved) {
    const routing = classifier.classify(said, request.mode);
    return freeze({ status: 'not-found', ...common, ...NO_PATTERN, routing, decidedBy: 'router', error: unserved });
  }
  const readsAWrite = match ? match.pattern.actionInfo.kind === 'read' : request.mode !== 'fast';
  if (writeVerb !== undefined && readsAWrite) {
    const routing = classifier.classify(said, request.mode);
    return freeze({
      status: 'not-found',
      ...common,
      ...NO_PATTERN,
      routing,
      decidedBy: 'router',
      error: writeRefusal(request, writeVerb, match?.pattern.name, registry),
    });
  }
  if (match) {
    return runPlan(common, registry, match.pattern, match.params, match.matchedText, {
      routing: classifier.fromMatch(match.pattern, request.mode),
      decidedBy: 'trigger',
      text,
      window,
    });
  }

  // Unmatched: the words without the window decide, and a read that takes it applies it.
  const unmatchedText = windowed.text === '' ? said : windowed.text;
  const routing =
    (request.mode !== 'fast' && readOfWindowOrTags(windowed.text, hasWindow, classifier, request.mode)) ||
    classifier.classify(unmatchedText, request.mode);
  if (request.mode === 'fast') {
    return freeze({
      status: 'not-found',
      ...common,
      ...NO_PATTERN,
      routing,
      decidedBy: 'mode',
      error: fastRefusal(request, registry),
    });
  }
  const pattern = routing.patternName === null ? undefined : registry.get(routing.patternName);
  if (!pattern || routing.confidence < classifier.confidenceThreshold) {
    const error = new PatternNotFoundError(
      `No pattern matches '${request.query}' and it could not be routed: ${routing.reasoning}`,
      { details: { routing } },
    );
    return freeze({ status: 'not-found', ...common, ...NO_PATTERN, routing, decidedBy: 'router', error });
  }
  const routedWindow = pattern.actionInfo.windowed && windowed.windows.length > 0;
  return runPlan(common, registry, pattern, pattern.params, '', {
    routing,
    decidedBy: 'router',
    text: routedWindow ? unmatchedText : said,
    window: routedWindow ? plannedWindow(windowed.windows) : undefined,
  });
}

/**
 * A query that names a time window or tags, and besides them only a topic or nothing ("what do
 * we have from Wednesday?", "entries with the tag oncall", "incidents last week"), asks for
 * those memories. Undefined for anything else, and for a question with a topic, which the
 * classifier sends to the search by meaning (it applies the window too).
 */
function readOfWindowOrTags(
  text: string,
  hasWindow: boolean,
  classifier: RouteClassifier,
  mode: ExecutionRequest['mode'],
): RoutingDecision | undefined {
  const subject = readSubject(text);
  if (!hasWindow && subject.tags.length === 0) return undefined;
  if (subject.topic !== '' && (isQuestion(text) || isSmallTalk(text))) return undefined;
  const named = [hasWindow && 'a time window', subject.tags.length > 0 && `tags (${subject.tags.join(', ')})`];
  const topic = subject.topic === '' ? 'no topic' : `the topic '${subject.topic}'`;
  return classifier.memoryRead(`the query names ${named.filter(Boolean).join(' and ')} and ${topic}`, mode);
}

const UNDECIDED = { pattern: null, routing: undefined, decidedBy: 'input' } as const;
const NO_PATTERN = { pattern: null } as const;

function runPlan(
  common: Pick<RunPlan, 'startedAt' | 'request' | 'trace'>,
  registry: PatternRegistry,
  pattern: PatternDefinition,
  params: Readonly<Record<string, string | number | boolean>>,
  matchedText: string,
  decision: Pick<RunPlan, 'routing' | 'decidedBy' | 'text' | 'window'>,
): RunPlan {
  return freeze({
    status: 'run',
    ...common,
    pattern,
    params: Object.freeze({ ...params }),
    matchedText,
    ...decision,
    requiredRole: requiredRoleFor(pattern),
    cache: Object.freeze(cachePolicy(common.request, pattern, registry, decision.window !== undefined)),
  });
}

function withoutPhrases(
  params: PatternMatch['params'],
  windows: ReturnType<typeof extractWindows>['windows'],
): PatternMatch['params'] {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] =
      typeof value === 'string'
        ? windows
            .reduce((text, w) => text.replace(w.phrase, ' '), value)
            .replace(/\s+/g, ' ')
            .trim()
        : value;
  }
  return out;
}

function plannedWindow(windows: ReturnType<typeof extractWindows>['windows']): PlannedWindow {
  return Object.freeze({
    specs: Object.freeze(windows.map((w) => w.spec)),
    description: windows.map((w) => w.phrase).join(' '),
  });
}

function cachePolicy(
  request: ExecutionRequest,
  pattern: PatternDefinition,
  registry: PatternRegistry,
  windowed: boolean,
): CachePolicy {
  const ttlSeconds = pattern.effectiveCacheTtl;
  const enabled = request.useCache && ttlSeconds > 0;
  const key = enabled
    ? [
        registry.fingerprint,
        request.mode,
        request.namespace,
        request.agentId,
        pattern.name,
        request.limit ?? '',
        // Calendar words mean other days in another time zone.
        windowed ? request.timezone : '',
        normalizeQuery(request.query),
      ].join('\u0001')
    : '';
  return { ttlSeconds, enabled, byGeneration: pattern.patternType !== 'infrastructure', key };
}

/**
 * A write the service cannot serve as asked: under a condition, later, or taken back ("if it is
 * out of date, remove it", "… no wait, keep it"), or beside another request in one message
 * ("… remove it. Also, what's new?"). Nothing it could check, so nothing is changed.
 */
function unservedWrite(request: ExecutionRequest, said: string): PatternNotFoundError | undefined {
  const condition = unservableCondition(said)?.trim();
  if (condition !== undefined) {
    return new PatternNotFoundError(
      `'${request.query}' asks for a change only under a condition, later, or takes it back ('${condition}'); the service cannot check or schedule that, so nothing was changed. Ask for the change itself when it should happen`,
      { details: { condition } },
    );
  }
  const requests = requestsIn(said);
  if (requests > 1) {
    return new PatternNotFoundError(
      `'${request.query}' asks for a change and for something else in one message; nothing was changed. Ask for one thing at a time`,
      { details: { requests } },
    );
  }
  return undefined;
}

/**
 * A command opening with a write verb that no write pattern understood: refused rather than
 * answered by a read, which the agent would take for the change done.
 */
function writeRefusal(
  request: ExecutionRequest,
  verb: string,
  readPattern: string | undefined,
  registry: PatternRegistry,
): PatternNotFoundError {
  const writes = registry
    .list()
    .filter((p) => p.actionInfo.kind === 'write')
    .map((p) => p.name);
  const instead =
    readPattern === undefined ? '' : ` (the read pattern '${readPattern}' matched, and a read never answers a write)`;
  return new PatternNotFoundError(
    `'${request.query}' asks to ${verb} something, but no write pattern understood it${instead}; nothing was changed. Write patterns: ${writes.join(', ')}`,
    { details: { verb, readPattern: readPattern ?? null, writePatterns: writes, mode: request.mode } },
  );
}

/** FAST mode runs infrastructure only; the refusal names the pattern that would serve the query elsewhere. */
function fastRefusal(request: ExecutionRequest, registry: PatternRegistry): PatternNotFoundError {
  const elsewhere = registry.match(request.query);
  if (elsewhere) {
    const { name, patternType } = elsewhere.pattern;
    return new PatternNotFoundError(
      `'${request.query}' matches ${patternType} pattern '${name}', which FAST mode does not run (it never touches memories); use BALANCED or COMPREHENSIVE`,
      { details: { pattern: name, patternType, mode: 'fast', servedBy: ['balanced', 'comprehensive'] } },
    );
  }
  return new PatternNotFoundError(
    `No infrastructure pattern matches '${request.query}' (FAST mode runs infrastructure patterns only)`,
    { details: { mode: 'fast' } },
  );
}

function withoutMatch(explained: ReturnType<PatternRegistry['explain']>): PlanTrace {
  const trace: Partial<typeof explained> = { ...explained };
  delete trace.match;
  return trace as PlanTrace;
}

function freeze<T extends ExecutionPlan>(plan: T): T {
  return Object.freeze(plan);
}
