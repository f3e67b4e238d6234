import type { Logger } from 'pino';
import type { ResultCache } from '../cache/result-cache.js';
import { SingleFlight } from '../cache/single-flight.js';
import { deepFreeze } from '../deep-freeze.js';
import { PatternServiceError, toServiceError, type ErrorCode } from '../errors.js';
import type { ActionTable } from './executors/action.js';
import type { RunPlan } from './planner.js';
import { resolveWindow, type ResolvedWindow } from '../time/resolve-window.js';
import type { ExecutionMetadata, ExecutionResult, WindowReport } from './result.js';

/** What the cache holds for a successful read: everything but per-call timing. */
export interface CachedExecution {
  readonly patternName: string;
  readonly result: Record<string, unknown>;
  readonly metadata: ExecutionMetadata;
  readonly costTokens: number;
}

interface RunOutcome {
  success: boolean;
  result: Record<string, unknown> | null;
  error: string | null;
  errorCode: ErrorCode | null;
  errorDetails: Record<string, unknown> | null;
  metadata: ExecutionMetadata;
  /** How long the result may be cached at most, when the action says so. */
  cacheTtlCapMs: number | undefined;
}

export interface PlanRunnerDependencies {
  actions: ActionTable;
  cache: ResultCache<CachedExecution>;
  /** After a write: invalidates the namespace's cached reads. */
  afterWrite(namespace: string): Promise<void>;
  logger: Logger;
  /** Epoch-millisecond clock: where a window in words lies is decided when the plan runs. */
  now(): number;
}

/**
 * Runs a plan under its cache policy: a hit answers at once; a miss runs the pattern's action
 * once per key (identical concurrent misses share it) and caches a success. A failure inside
 * the action comes back as `success: false`, never as an exception.
 */
export class PlanRunner {
  readonly #deps: PlanRunnerDependencies;
  readonly #flight = new SingleFlight<RunOutcome>();

  constructor(deps: PlanRunnerDependencies) {
    this.#deps = deps;
  }

  async run(plan: RunPlan): Promise<ExecutionResult> {
    const { cache, pattern } = plan;
    if (!cache.enabled) return this.#result(plan, await this.#act(plan));
    // Reads a write can change carry their namespace's generation (and the namespace, so a cache can drop them).
    const namespace = cache.byGeneration ? plan.request.namespace : undefined;
    const generation = namespace === undefined ? 0 : await this.#deps.cache.generation(namespace);
    const key = `${cache.key}\u0001${generation}`;
    const hit = await this.#deps.cache.get(key, namespace);
    if (hit) return fromCache(plan, hit.value, hit.tier);

    const flight = this.#flight.run(key, async () => {
      const outcome = await this.#act(plan);
      if (outcome.success && outcome.result) {
        const cached: CachedExecution = deepFreeze({
          patternName: pattern.name,
          result: structuredClone(outcome.result),
          metadata: structuredClone(outcome.metadata),
          costTokens: pattern.costTokens,
        });
        const ttlMs = Math.min(cache.ttlSeconds * 1000, outcome.cacheTtlCapMs ?? Infinity);
        await this.#deps.cache.set(key, cached, ttlMs, namespace);
      } else await this.#deps.cache.releaseFill?.(key);
      return outcome;
    });
    const outcome = await flight.promise;
    if (flight.shared && outcome.success && outcome.result) {
      // Served by an identical execution already in flight: nothing ran for this caller.
      const { result, metadata } = outcome;
      return fromCache(
        plan,
        { patternName: pattern.name, result, metadata, costTokens: pattern.costTokens },
        'inflight',
      );
    }
    return this.#result(plan, outcome);
  }

  async #act(plan: RunPlan): Promise<RunOutcome> {
    const { pattern, request, params } = plan;
    const scope = { namespace: request.namespace, agentId: request.agentId };
    const isMemoryRead = pattern.patternType === 'memory' && pattern.actionInfo.kind === 'read';
    const now = this.#deps.now();
    const window = plan.window && resolveWindow(plan.window.specs, plan.window.description, now, request.timezone);
    const metadata: ExecutionMetadata = {
      patternType: pattern.patternType,
      action: pattern.action,
      mode: request.mode,
      executionPath: isMemoryRead && request.mode === 'comprehensive' ? 'hybrid' : pattern.patternType,
      namespace: request.namespace,
      agentId: request.agentId,
      params: { ...params },
      ...(plan.decidedBy === 'router' && { routing: plan.routing }),
      ...(window && { window: describeWindow(window, request.timezone) }),
    };
    try {
      const outcome = await this.#deps.actions[pattern.action]({
        request,
        pattern,
        params,
        matchedText: plan.matchedText,
        text: plan.text,
        window,
        scope,
      });
      if (outcome.wroteNamespace !== undefined) await this.#deps.afterWrite(outcome.wroteNamespace);
      // A result read through a window in words holds only until the window moves (midnight, for a day).
      const windowCap = window === undefined ? Infinity : Math.max(0, window.validUntil - now);
      const cap = Math.min(outcome.cacheTtlCapMs ?? Infinity, windowCap);
      return {
        success: true,
        result: outcome.result,
        error: null,
        errorCode: null,
        errorDetails: null,
        metadata,
        cacheTtlCapMs: cap === Infinity ? undefined : cap,
      };
    } catch (error) {
      const serviceError = toServiceError(error);
      if (!(error instanceof PatternServiceError)) {
        this.#deps.logger.error({ err: error, pattern: pattern.name }, 'pattern action failed unexpectedly');
      }
      return {
        success: false,
        result: null,
        error: serviceError.message,
        errorCode: serviceError.code,
        errorDetails: serviceError.details ?? null,
        metadata,
        cacheTtlCapMs: undefined,
      };
    }
  }

  #result(plan: RunPlan, outcome: RunOutcome): ExecutionResult {
    return {
      patternName: plan.pattern.name,
      success: outcome.success,
      result: outcome.result,
      executionTimeMs: performance.now() - plan.startedAt,
      tokensUsed: plan.pattern.costTokens,
      cacheHit: false,
      error: outcome.error,
      errorCode: outcome.errorCode,
      ...(outcome.errorDetails !== null && { errorDetails: outcome.errorDetails }),
      metadata: outcome.metadata,
    };
  }
}

/** The window as results report it: ISO bounds (null when open), the words, the time zone. */
function describeWindow(window: ResolvedWindow, timezone: string): WindowReport {
  const iso = (epoch: number | null) => (epoch === null ? null : new Date(epoch).toISOString());
  return { from: iso(window.from), to: iso(window.to), description: window.description, timezone };
}

function fromCache(plan: RunPlan, cached: CachedExecution, tier: 'l1' | 'l2' | 'inflight'): ExecutionResult {
  return {
    patternName: cached.patternName,
    success: true,
    result: cached.result,
    executionTimeMs: performance.now() - plan.startedAt,
    tokensUsed: 0,
    cacheHit: true,
    error: null,
    errorCode: null,
    metadata: { ...cached.metadata, cacheTier: tier, tokensSaved: cached.costTokens },
  };
}
