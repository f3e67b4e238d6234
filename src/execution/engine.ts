import type { Logger } from 'pino';
import type { CacheHealth, ResultCache } from '../cache/result-cache.js';
import { SingleFlight } from '../cache/single-flight.js';
import type { Embedder } from '../embeddings/embedder.js';
import { Lexicon } from '../embeddings/lexicon.js';
import { EmbeddingBacklog } from '../memory/embedding-backlog.js';
import { reembed, type ReembedOptions } from '../memory/reembed.js';
import {
  PatternServiceError,
  StoreUnavailableError,
  ValidationError,
  toServiceError,
  type ErrorCode,
} from '../errors.js';
import type { AuditLog } from '../memory/audit-log.js';
import type { ExecutionLog, ExecutionSummary } from '../memory/execution-log.js';
import type { ImportedMemory, Memory, MemoryStore, ScoredMemory, StoreResult } from '../memory/store.js';
import type { PatternDefinition } from '../patterns/definition.js';
import type { PatternFiles, PatternReload } from '../patterns/pattern-files.js';
import type { PatternRegistry, RegisterOptions } from '../patterns/registry.js';
import type { HybridDecisionRouter } from '../routing/router.js';
import { deepFreeze } from '../deep-freeze.js';
import { normalizeQuery } from '../text.js';
import type { ActionTable, JsonObject } from './executors/action.js';
import { hybridActions } from './executors/hybrid-actions.js';
import { infrastructureActions } from './executors/infrastructure-actions.js';
import { memoryActions } from './executors/memory-actions.js';
import {
  MemoryOperations,
  type MemoryInput,
  type MemoryScope,
  type MemorySearch,
  type MemoryUpdate,
} from './memory-operations.js';
import { PatternOperations, type Explanation } from './pattern-operations.js';
import { parseExecutionRequest, type ExecuteOptions, type ExecutionRequest } from './request.js';
import type { ExecutionMetadata, ExecutionResult } from './result.js';
import { ExecutionAccounting } from './accounting.js';
import { planExecution, type Plan } from './planner.js';
import type { ExecutionCounters } from './stats.js';
import { ToolRegistry } from './tools.js';

/** What the cache holds for a successful read: everything but per-call timing. */
export interface CachedExecution {
  readonly patternName: string;
  readonly result: Record<string, unknown>;
  readonly metadata: ExecutionMetadata;
  readonly costTokens: number;
}

export interface EngineDependencies {
  registry: PatternRegistry;
  router: HybridDecisionRouter;
  store: MemoryStore;
  embedder: Embedder;
  /** @default the built-in software-engineering lexicon */
  lexicon?: Lexicon;
  /** Embed pending memories in the background after writes (see EmbeddingBacklog). @default true */
  backgroundEmbedding?: boolean;
  cache: ResultCache<CachedExecution>;
  logger: Logger;
  /** Durable accounting; executions are appended in batches. */
  executionLog?: ExecutionLog;
  /** Where the edges (HTTP, MCP) record who did what. */
  auditLog?: AuditLog;
  tools?: ToolRegistry;
  /** The files the registry was loaded from, when it was. */
  patternFiles?: PatternFiles;
  /** Epoch-millisecond clock. */
  now?: () => number;
  /** Run by close(), last first: what the factory opened for this engine. */
  closers?: Array<() => Promise<void>>;
}

/** Every namespace's figures, with the server-wide cache, registry and router counters. */
export interface EngineStats extends ExecutionCounters {
  /** null: every namespace. */
  namespace: null;
  cache: ReturnType<ResultCache<CachedExecution>['stats']>;
  registry: ReturnType<PatternRegistry['stats']>;
  router: ReturnType<HybridDecisionRouter['stats']>;
  store: { backend: string };
  uptimeSeconds: number;
}

/** One namespace's figures, and nothing that counts other namespaces' activity. */
export interface NamespaceStats extends ExecutionCounters {
  namespace: string;
  registry: Pick<ReturnType<PatternRegistry['stats']>, 'patterns' | 'byType' | 'version'>;
  store: { backend: string };
  uptimeSeconds: number;
}

/** Called by `execute` once it knows which pattern would serve the query, before the cache or the action. */
export interface ExecuteHooks {
  /** Throw (e.g. ForbiddenError, RateLimitedError) to refuse the execution. */
  beforeRun?(pattern: PatternDefinition, scope: MemoryScope): void | Promise<void>;
}

interface RunOutcome {
  success: boolean;
  result: Record<string, unknown> | null;
  error: string | null;
  errorCode: ErrorCode | null;
  metadata: ExecutionMetadata;
  /** How long the result may be cached at most, when the action says so. */
  cacheTtlCapMs: number | undefined;
}

const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * Runs queries: validate → match (or route) → cache lookup → execute once per key →
 * cache / invalidate → account. HTTP, MCP and the CLI all call these methods, so they
 * cannot drift apart.
 */
export class PatternExecutionEngine {
  readonly registry: PatternRegistry;
  readonly router: HybridDecisionRouter;
  readonly tools: ToolRegistry;
  readonly store: MemoryStore;
  readonly embedder: Embedder;
  readonly auditLog: AuditLog | undefined;
  readonly #cache: ResultCache<CachedExecution>;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #closers: Array<() => Promise<void>>;
  readonly #patternFiles: PatternFiles | undefined;
  readonly #actions: ActionTable;
  readonly #memories: MemoryOperations;
  readonly #vectors: EmbeddingBacklog;
  readonly #patterns: PatternOperations;
  readonly #accounting: ExecutionAccounting;
  readonly #flight = new SingleFlight<RunOutcome>();
  readonly #startedAt: number;
  #lastPurge = 0;
  #closed = false;

  constructor(deps: EngineDependencies) {
    this.registry = deps.registry;
    this.router = deps.router;
    this.store = deps.store;
    this.embedder = deps.embedder;
    this.tools = deps.tools ?? new ToolRegistry();
    this.auditLog = deps.auditLog;
    this.#cache = deps.cache;
    this.#logger = deps.logger;
    this.#now = deps.now ?? Date.now;
    this.#accounting = new ExecutionAccounting(deps.executionLog, deps.logger, this.#now);
    this.#closers = deps.closers ?? [];
    this.#patternFiles = deps.patternFiles;
    this.#startedAt = this.#now();
    const lexicon = deps.lexicon ?? Lexicon.builtin();
    this.#vectors = new EmbeddingBacklog(this.store, this.embedder, {
      background: deps.backgroundEmbedding ?? true,
      prepare: (text) => lexicon.forEmbedding(text),
      logger: deps.logger,
    });
    const services = {
      store: this.store,
      embedder: this.embedder,
      vectors: this.#vectors,
      lexicon,
      registry: this.registry,
      tools: this.tools,
      logger: this.#logger,
      stats: (namespace: string) => this.getStats({ namespace }) as unknown as JsonObject,
      cacheHealth: async () => ({ ...(await this.#cache.health()), ...this.#cache.stats() }),
      now: this.#now,
    };
    this.#actions = { ...infrastructureActions(services), ...memoryActions(services), ...hybridActions(services) };
    this.#memories = new MemoryOperations({
      store: this.store,
      afterWrite: (namespace) => this.#afterWrite(namespace),
      services,
      now: this.#now,
    });
    this.#patterns = new PatternOperations(this.registry, this.router.confidenceThreshold, this.#now);
  }

  /**
   * Executes a query. Throws ValidationError for bad input and NotFoundError when nothing
   * can serve the query; a failure inside the pattern's action is returned as
   * `success: false` with `error` and `errorCode`.
   */
  async execute(query: string, options?: ExecuteOptions, hooks?: ExecuteHooks): Promise<ExecutionResult> {
    const started = performance.now();
    let request: ExecutionRequest | undefined;
    try {
      if (this.#closed) throw new StoreUnavailableError('The engine is closed');
      request = parseExecutionRequest(query, options, this.#now());
      const plan = planExecution(request, this.registry, this.router);
      await hooks?.beforeRun?.(plan.pattern, { namespace: request.namespace, agentId: request.agentId });
      const result = await this.#executePlan(request, plan, started);
      this.#account(request, plan, result);
      return result;
    } catch (error) {
      const serviceError = toServiceError(error);
      if (serviceError.code === 'INTERNAL') this.#logger.error({ err: error }, 'execute failed unexpectedly');
      this.#accounting.record(request, {
        pattern: null,
        patternType: null,
        success: false,
        cacheHit: false,
        routed: false,
        durationMs: performance.now() - started,
        tokensUsed: 0,
        tokensSaved: 0,
        errorCode: serviceError.code,
      });
      throw serviceError;
    }
  }

  /**
   * Re-reads the pattern files the engine was created from and swaps them in atomically; the
   * new pattern-set version keeps old cached results from being served. A bad file throws a
   * ValidationError listing every problem and leaves the current set in place.
   */
  async reloadPatterns(): Promise<PatternReload> {
    if (!this.#patternFiles) {
      throw new ValidationError('reloadPatterns: this engine was not created from pattern files (options.patterns)');
    }
    return this.#patternFiles.reload();
  }

  /** Stores a memory (identical content of the same agent updates it); invalidates the namespace's cached reads. */
  storeMemory(scope: MemoryScope, input: MemoryInput): Promise<StoreResult> {
    return this.#memories.store(scope, input);
  }

  /** Memories visible to the scope: full text (BM25), or hybrid full text + vectors. */
  searchMemories(scope: MemoryScope, search?: MemorySearch): Promise<ScoredMemory[]> {
    return this.#memories.search(scope, search);
  }

  /** Throws MemoryNotFoundError when the memory is missing or not visible to the scope. */
  getMemory(scope: MemoryScope, id: string): Promise<Memory> {
    return this.#memories.get(scope, id);
  }

  /** Changes a memory the scope's agent owns (given fields replace); invalidates the namespace's cached reads. */
  updateMemory(scope: MemoryScope, id: string, update: MemoryUpdate): Promise<Memory> {
    return this.#memories.update(scope, id, update);
  }

  /** Deletes a memory the scope's agent owns; MemoryNotFoundError otherwise. Invalidates cached reads. */
  deleteMemory(scope: MemoryScope, id: string): Promise<void> {
    return this.#memories.delete(scope, id);
  }

  /** Registers a pattern from its snake_case config; cached results of the old pattern set are never served again. */
  registerPattern(config: unknown, options?: RegisterOptions): PatternDefinition {
    return this.#patterns.register(config, options);
  }

  /** Throws UnknownPatternError when no pattern has that name. */
  unregisterPattern(name: string): PatternDefinition {
    return this.#patterns.unregister(name);
  }

  /** Throws UnknownPatternError when no pattern has that name. */
  getPattern(name: string): PatternDefinition {
    return this.#patterns.get(name);
  }

  /** Which pattern a query would run in a mode, and why, without running it. */
  explain(query: string, executionMode?: ExecuteOptions['executionMode']): Explanation {
    return this.#patterns.explain(query, executionMode);
  }

  /** Whether the store and the cache answer now (readiness probes); never throws. */
  async health(): Promise<{ store: { status: 'ok' | 'down'; error?: string }; cache: CacheHealth }> {
    let store: { status: 'ok' | 'down'; error?: string } = { status: 'ok' };
    try {
      if (this.#closed) throw new StoreUnavailableError('The engine is closed');
      await this.store.ping();
    } catch (error) {
      store = { status: 'down', error: toServiceError(error).message };
    }
    return { store, cache: await this.#cache.health() };
  }

  /**
   * Statistics of this engine instance since it started (see ExecutionCounters for
   * definitions): of every namespace, or of one namespace only.
   */
  getStats(): EngineStats;
  getStats(scope: { namespace: string }): NamespaceStats;
  getStats(scope?: { namespace: string }): EngineStats | NamespaceStats {
    const store = { backend: this.store.backend };
    const uptimeSeconds = Math.round((this.#now() - this.#startedAt) / 1000);
    if (scope !== undefined) {
      const { patterns, byType, version } = this.registry.stats();
      return {
        ...this.#accounting.snapshot(scope.namespace),
        namespace: scope.namespace,
        registry: { patterns, byType, version },
        store,
        uptimeSeconds,
      };
    }
    return {
      ...this.#accounting.snapshot(),
      namespace: null,
      cache: this.#cache.stats(),
      registry: this.registry.stats(),
      router: this.router.stats(),
      store,
      uptimeSeconds,
    };
  }

  /** Durable statistics across every process that used the same store. */
  getPersistedStats(): Promise<ExecutionSummary | null> {
    return this.#accounting.summary();
  }

  /**
   * Imports memories (all or nothing); invalidates the namespaces touched. A slow embedder's
   * vectors follow: see embedPendingMemories().
   */
  async importMemories(
    memories: readonly ImportedMemory[],
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }> {
    const counts = await this.#vectors.importMany(memories, onProgress);
    for (const namespace of new Set(memories.map((m) => m.namespace))) await this.#cache.invalidateNamespace(namespace);
    return counts;
  }

  /** Computes, in batches, the vectors still missing (after writes or an import); returns how many. */
  embedPendingMemories(onBatch?: (count: number) => void): Promise<number> {
    return this.#vectors.embedPending(undefined, onBatch);
  }

  /**
   * Re-embeds every memory with `target` and switches the store over atomically (resumable).
   * This engine keeps its old embedder: open a new one afterwards.
   */
  reembedMemories(target: Embedder, options?: ReembedOptions) {
    return reembed(this.store, target, { prepare: (text) => this.#vectors.prepare(text), ...options });
  }

  /** Every live memory of a namespace (all namespaces if omitted). */
  exportMemories(namespace?: string): AsyncIterable<Memory> {
    return this.store.exportAll(namespace);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#vectors.close();
    await this.#accounting.close();
    for (const close of this.#closers.reverse()) {
      try {
        await close();
      } catch (error) {
        this.#logger.warn({ err: error }, 'error while closing the engine');
      }
    }
  }

  async #executePlan(request: ExecutionRequest, plan: Plan, started: number): Promise<ExecutionResult> {
    const { pattern } = plan;
    const ttlMs = pattern.effectiveCacheTtl * 1000;
    if (!request.useCache || ttlMs === 0) {
      return this.#result(await this.#run(request, plan), pattern, started);
    }
    const key = await this.#cacheKey(request, pattern);
    const hit = await this.#cache.get(key);
    if (hit) return this.#fromCache(hit.value, hit.tier, started);

    const flight = this.#flight.run(key, async () => {
      const outcome = await this.#run(request, plan);
      if (outcome.success && outcome.result) {
        const cached: CachedExecution = deepFreeze({
          patternName: pattern.name,
          result: structuredClone(outcome.result),
          metadata: structuredClone(outcome.metadata),
          costTokens: pattern.costTokens,
        });
        await this.#cache.set(key, cached, Math.min(ttlMs, outcome.cacheTtlCapMs ?? Infinity));
      } else await this.#cache.releaseFill?.(key);
      return outcome;
    });
    const outcome = await flight.promise;
    if (flight.shared && outcome.success && outcome.result) {
      // Served by an identical execution already in flight: nothing ran for this caller.
      return this.#fromCache(
        {
          patternName: pattern.name,
          result: outcome.result,
          metadata: outcome.metadata,
          costTokens: pattern.costTokens,
        },
        'inflight',
        started,
      );
    }
    return this.#result(outcome, pattern, started);
  }

  async #run(request: ExecutionRequest, plan: Plan): Promise<RunOutcome> {
    const { pattern } = plan;
    const scope = { namespace: request.namespace, agentId: request.agentId };
    const isMemoryRead = pattern.patternType === 'memory' && pattern.actionInfo.kind === 'read';
    const metadata: ExecutionMetadata = {
      patternType: pattern.patternType,
      action: pattern.action,
      mode: request.mode,
      executionPath: isMemoryRead && request.mode === 'comprehensive' ? 'hybrid' : pattern.patternType,
      namespace: request.namespace,
      agentId: request.agentId,
      params: plan.params,
      ...(plan.routing && { routing: plan.routing }),
    };
    try {
      const outcome = await this.#actions[pattern.action]({
        request,
        pattern,
        params: plan.params,
        matchedText: plan.matchedText,
        scope,
      });
      if (outcome.wroteNamespace !== undefined) await this.#afterWrite(outcome.wroteNamespace);
      return {
        success: true,
        result: outcome.result,
        error: null,
        errorCode: null,
        metadata,
        cacheTtlCapMs: outcome.cacheTtlCapMs,
      };
    } catch (error) {
      const serviceError = toServiceError(error);
      if (!(error instanceof PatternServiceError)) {
        this.#logger.error({ err: error, pattern: pattern.name }, 'pattern action failed unexpectedly');
      }
      return {
        success: false,
        result: null,
        error: serviceError.message,
        errorCode: serviceError.code,
        metadata,
        cacheTtlCapMs: undefined,
      };
    }
  }

  async #afterWrite(namespace: string): Promise<void> {
    await this.#cache.invalidateNamespace(namespace);
    const now = this.#now();
    if (now - this.#lastPurge < PURGE_INTERVAL_MS) return;
    this.#lastPurge = now;
    this.store
      .purgeExpired()
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'purging expired memories failed'));
  }

  /**
   * Everything that can make two results differ: the pattern set, mode, caller, the
   * namespace's generation (bumped by writes), the pattern, the normalised query and the
   * only context a read uses (`limit`).
   */
  async #cacheKey(request: ExecutionRequest, pattern: PatternDefinition): Promise<string> {
    const generation = pattern.patternType === 'infrastructure' ? 0 : await this.#cache.generation(request.namespace);
    return [
      this.registry.fingerprint,
      request.mode,
      request.namespace,
      request.agentId,
      generation,
      pattern.name,
      request.limit ?? '',
      normalizeQuery(request.query),
    ].join('\u0001');
  }

  #fromCache(cached: CachedExecution, tier: 'l1' | 'l2' | 'inflight', started: number): ExecutionResult {
    return {
      patternName: cached.patternName,
      success: true,
      result: cached.result,
      executionTimeMs: performance.now() - started,
      tokensUsed: 0,
      cacheHit: true,
      error: null,
      errorCode: null,
      metadata: { ...cached.metadata, cacheTier: tier, tokensSaved: cached.costTokens },
    };
  }

  #result(outcome: RunOutcome, pattern: PatternDefinition, started: number): ExecutionResult {
    return {
      patternName: pattern.name,
      success: outcome.success,
      result: outcome.result,
      executionTimeMs: performance.now() - started,
      tokensUsed: pattern.costTokens,
      cacheHit: false,
      error: outcome.error,
      errorCode: outcome.errorCode,
      metadata: outcome.metadata,
    };
  }

  #account(request: ExecutionRequest, plan: Plan, result: ExecutionResult): void {
    const { pattern } = plan;
    this.#accounting.record(request, {
      pattern: pattern.name,
      patternType: pattern.patternType,
      success: result.success,
      cacheHit: result.cacheHit,
      routed: plan.routing !== undefined,
      durationMs: result.executionTimeMs,
      tokensUsed: result.tokensUsed,
      tokensSaved: result.cacheHit ? pattern.costTokens : 0,
      errorCode: result.errorCode,
    });
  }
}
