/**
 * @module execution/engine
 * The engine: plan (decide what a query does), run (cache, action, invalidation) and
 * account, plus the direct memory and pattern operations the edges share.
 */
import type { Logger } from 'pino';
import type { ResultCache } from '../cache/result-cache.js';
import { describeEmbedder, type Embedder, type EmbedderInfo } from '../embeddings/embedder.js';
import { Lexicon } from '../lexicon/lexicon.js';
import { StoreUnavailableError, ValidationError, toServiceError, type PatternServiceError } from '../errors.js';
import type { AuditLog } from '../memory/audit-log.js';
import { EmbeddingBacklog } from '../memory/embedding-backlog.js';
import type { ExecutionLog, ExecutionSummary } from '../memory/execution-log.js';
import { reembed, type ReembedOptions } from '../memory/reembed.js';
import { DEFAULT_HISTORY_RETENTION_DAYS } from '../config.js';
import type { Memory, MemoryStore, MemoryVersion, Scope, StoreResult } from '../memory/store.js';
import type { PatternDefinition } from '../patterns/definition.js';
import type { PatternFiles, PatternReload } from '../patterns/pattern-files.js';
import type { ExecutionMode, PatternType } from '../patterns/pattern-type.js';
import type { PatternRegistry, RegisterOptions } from '../patterns/registry.js';
import { ExecutionAccounting } from './accounting.js';
import { checkHealth, purgeInBackground, type EngineHealth } from './engine-upkeep.js';
import type { HybridDecisionRouter } from './decision-router.js';
import { EngineStatistics, type EngineStats, type NamespaceStats } from './engine-stats.js';
import type { ActionServices, JsonObject } from './executors/action.js';
import { allActions } from './executors/all-actions.js';
import { importInBatches, type ImportOptions, type ImportSource } from './batched-import.js';
import { describePlan, type Explanation } from './explanation.js';
import {
  MemoryOperations,
  type MemoryInput,
  type MemoryScope,
  type MemorySearch,
  type MemorySearchResult,
  type MemoryUpdate,
} from './memory-operations.js';
import { PatternOperations, type PatternList } from './pattern-operations.js';
import { PlanRunner, type CachedExecution } from './plan-runner.js';
import { PlanMemo } from './plan-memo.js';
import { planQuery, type ExecutionPlan, type Planner } from './planner.js';
import type { ExecuteOptions } from './request.js';
import type { ExecutionResult } from './result.js';
import { ToolRegistry } from './tools.js';

export type { CachedExecution } from './plan-runner.js';
export type { EngineStats, NamespaceStats } from './engine-stats.js';

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
  /** Days earlier versions of memories are kept for undo. @default 30 */
  historyRetentionDays?: number;
  /** Run by close(), last first: what the factory opened for this engine. */
  closers?: Array<() => Promise<void>>;
}

/** `execute`'s options, and whether to list every candidate pattern the matcher tried. */
export interface PlanOptions extends ExecuteOptions {
  /** @default false */
  trace?: boolean;
}

const PURGE_INTERVAL_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Runs queries: plan (validate → match or route → role and cache policy) → run (cache
 * lookup → the action once per key → cache / invalidate) → account. HTTP, MCP and the CLI
 * all call these methods, so they cannot drift apart.
 */
export class PatternExecutionEngine {
  readonly registry: PatternRegistry;
  readonly router: HybridDecisionRouter;
  readonly tools: ToolRegistry;
  readonly #store: MemoryStore;
  readonly #embedder: Embedder;
  readonly #auditLog: AuditLog | undefined;
  readonly #cache: ResultCache<CachedExecution>;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #closers: Array<() => Promise<void>>;
  readonly #patternFiles: PatternFiles | undefined;
  readonly #memories: MemoryOperations;
  readonly #embeddingBacklog: EmbeddingBacklog;
  readonly #patterns: PatternOperations;
  readonly #accounting: ExecutionAccounting;
  readonly #statistics: EngineStatistics;
  readonly #runner: PlanRunner;
  readonly #planner: Planner;
  /** Plans this engine made: the only ones it runs. */
  readonly #plans = new WeakSet<ExecutionPlan>();
  readonly #planMemo = new PlanMemo();
  readonly #historyRetentionMs: number;
  #lastPurge = 0;
  #closed = false;

  constructor(deps: EngineDependencies) {
    this.registry = deps.registry;
    this.router = deps.router;
    this.#store = deps.store;
    this.#embedder = deps.embedder;
    this.tools = deps.tools ?? new ToolRegistry();
    this.#auditLog = deps.auditLog;
    this.#cache = deps.cache;
    this.#logger = deps.logger;
    this.#now = deps.now ?? Date.now;
    this.#accounting = new ExecutionAccounting(
      deps.executionLog,
      deps.logger,
      this.#now,
      this.router.confidenceThreshold,
    );
    this.#statistics = new EngineStatistics({
      accounting: this.#accounting,
      registry: this.registry,
      cache: this.#cache,
      store: this.#store,
      now: this.#now,
    });
    this.#planner = { registry: this.registry, classifier: this.router };
    this.#closers = deps.closers ?? [];
    this.#historyRetentionMs = (deps.historyRetentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS) * DAY_MS;
    this.#patternFiles = deps.patternFiles;
    const lexicon = deps.lexicon ?? Lexicon.builtin();
    this.#embeddingBacklog = new EmbeddingBacklog(this.#store, this.#embedder, {
      background: deps.backgroundEmbedding ?? true,
      prepare: (text) => lexicon.forEmbedding(text),
      logger: deps.logger,
    });
    const services: ActionServices = {
      store: this.#store,
      embedder: this.#embedder,
      vectors: this.#embeddingBacklog,
      lexicon,
      registry: this.registry,
      tools: this.tools,
      logger: this.#logger,
      stats: (namespace) => this.#statistics.of(namespace) as unknown as JsonObject,
      cacheHealth: async () => ({ ...(await this.#cache.health()), ...this.#cache.stats() }),
      now: this.#now,
    };
    const afterWrite = (namespace: string): Promise<void> => this.#afterWrite(namespace);
    this.#runner = new PlanRunner({
      actions: allActions(services),
      cache: this.#cache,
      afterWrite,
      logger: this.#logger,
      now: this.#now,
    });
    this.#memories = new MemoryOperations({ store: this.#store, afterWrite, services, now: this.#now });
    this.#patterns = new PatternOperations(this.registry);
  }

  /**
   * Decides what `execute` would do with a query, doing nothing: the pattern and its
   * parameters (or why nothing serves it, bad input included), the routing decision, the
   * role it needs and its cache policy. `trace: true` adds every candidate the matcher tried.
   */
  plan(query: string, options?: PlanOptions): ExecutionPlan {
    const plan = this.#planMemo.planFor(query, options, this.registry.version, (execute, trace) =>
      planQuery(query, execute, this.#planner, this.#now(), trace),
    );
    this.#plans.add(plan);
    return plan;
  }

  /**
   * Runs a plan of this engine and accounts for it. Throws the plan's error (ValidationError,
   * NotFoundError) when it cannot run; a failure inside the pattern's action is returned as
   * `success: false` with `error` and `errorCode`.
   */
  async run(plan: ExecutionPlan): Promise<ExecutionResult> {
    try {
      if (this.#closed) throw new StoreUnavailableError('The engine is closed');
      if (!this.#plans.has(plan)) throw new ValidationError('plan: not made by this engine (use engine.plan)');
      if (plan.status !== 'run') throw plan.error;
      const result = await this.#runner.run(plan);
      this.#accounting.recordRun(plan, result);
      return result;
    } catch (error) {
      throw this.refuse(plan, error);
    }
  }

  /**
   * Accounts for a planned execution that will not run: refused by its caller after planning
   * (a role, a rate limit) or failed before its action. Returns the error to throw.
   */
  refuse(plan: ExecutionPlan, error: unknown): PatternServiceError {
    const serviceError = toServiceError(error);
    if (serviceError.code === 'INTERNAL') this.#logger.error({ err: error }, 'execute failed unexpectedly');
    this.#accounting.recordRefusal(plan, serviceError.code);
    return serviceError;
  }

  /**
   * Executes a query: `run(plan(query, options))`. Throws ValidationError for bad input and
   * NotFoundError when nothing can serve the query; a failure inside the pattern's action
   * is returned as `success: false` with `error` and `errorCode`.
   */
  execute(query: string, options?: ExecuteOptions): Promise<ExecutionResult> {
    return this.run(this.plan(query, options));
  }

  /** Which pattern a query would run in a mode, and why, without running it. */
  explain(query: string, executionMode?: ExecutionMode): Explanation {
    return describePlan(
      this.plan(query, { ...(executionMode !== undefined && { executionMode }), trace: true }),
      this.#now(),
    );
  }

  /**
   * Re-reads the pattern files the engine was created from and swaps them in atomically; the
   * new pattern set's fingerprint keeps old cached results from being served. A bad file
   * throws a ValidationError listing every problem and leaves the current set in place.
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

  /** Memories visible to the scope: full text (BM25), or hybrid full text + vectors (saying when vectors were unavailable). */
  searchMemories(scope: MemoryScope, search?: MemorySearch): Promise<MemorySearchResult> {
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

  /** Deletes a memory the scope's agent owns (kept in its history); MemoryNotFoundError otherwise. Invalidates cached reads. */
  deleteMemory(scope: MemoryScope, id: string): Promise<void> {
    return this.#memories.delete(scope, id);
  }

  /** Earlier versions of the scope's own memory, newest first (kept `historyRetentionDays`); else MemoryNotFoundError. */
  memoryHistory(scope: MemoryScope, id: string): Promise<MemoryVersion[]> {
    return this.#memories.history(scope, id);
  }

  /** Undoes a delete or change of the scope's own memory: a kept version (the latest, or `version`) comes back. */
  restoreMemory(scope: MemoryScope, id: string, version?: number): Promise<Memory> {
    return this.#memories.restore(scope, id, version);
  }

  /** The registered patterns in match order (of one type, when given), with the registry's version. */
  listPatterns(type?: PatternType): PatternList {
    return this.#patterns.list(type);
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

  /** Whether the store and the cache answer now (readiness probes); never throws. */
  health(): Promise<EngineHealth> {
    return checkHealth(this.#closed ? undefined : this.#store, this.#cache);
  }

  /**
   * Statistics of this engine instance since it started (see ExecutionCounters for
   * definitions): of every namespace, or of one namespace only.
   */
  getStats(): EngineStats;
  getStats(scope: { namespace: string }): NamespaceStats;
  getStats(scope?: { namespace: string }): EngineStats | NamespaceStats {
    return scope === undefined ? this.#statistics.all() : this.#statistics.of(scope.namespace);
  }

  /** Durable statistics across every process that used the same store. */
  getPersistedStats(): Promise<ExecutionSummary | null> {
    return this.#accounting.summary();
  }

  /**
   * Imports memories from an array or an (async) iterable, in bounded memory: every record is
   * checked first (a ValidationError naming each bad one, nothing written), then they go in a
   * transaction per batch (see importInBatches), invalidating the namespaces touched. A slow
   * embedder's vectors follow: see embedPendingMemories().
   */
  importMemories(
    memories: ImportSource,
    options: ImportOptions | ((done: number) => void) = {},
  ): Promise<{ created: number; updated: number }> {
    const opts = typeof options === 'function' ? { onProgress: options } : options;
    return importInBatches(memories, opts, async (batch, onProgress) => {
      const counts = await this.#embeddingBacklog.importMany(batch, onProgress);
      for (const namespace of new Set(batch.map((m) => m.namespace))) await this.#cache.invalidateNamespace(namespace);
      return counts;
    });
  }

  /** Computes the vectors still missing, in batches (the last one after `signal` aborts); returns how many. */
  embedPendingMemories(onBatch?: (count: number) => void, signal?: AbortSignal): Promise<number> {
    return this.#embeddingBacklog.embedPending(undefined, onBatch, signal);
  }

  /** Re-embeds every memory with `target`, switching over atomically (resumable); then open a new engine. */
  reembedMemories(target: Embedder, options?: ReembedOptions) {
    return reembed(this.#store, target, { prepare: (text) => this.#embeddingBacklog.prepare(text), ...options });
  }

  /** Every live memory of a namespace (all namespaces if omitted). */
  exportMemories(namespace?: string): AsyncIterable<Memory> {
    return this.#store.exportAll(namespace);
  }

  /** How many memories the scope sees (every one of the namespace for an admin scope). */
  countMemories(scope: Scope): Promise<number> {
    return this.#store.count(scope);
  }

  /** Loads what a namespace's first searches would load (its in-process indexes), ahead of them; never throws. */
  async warmMemories(namespace: string): Promise<void> {
    await this.#store.warm?.(namespace).catch(() => undefined);
  }

  /** The embedder the memories' vectors come from: its id, and whether their vectors follow writes (deferred). */
  embedderInfo(): EmbedderInfo {
    return describeEmbedder(this.#embedder);
  }

  /** Where the edges (HTTP, MCP) record who did what: the log the engine was created with. */
  auditTrail(): AuditLog {
    if (!this.#auditLog) {
      throw new ValidationError(
        'engine: serving needs an engine with an audit log (createPatternExecutionEngine provides one)',
      );
    }
    return this.#auditLog;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#embeddingBacklog.close();
    await this.#accounting.close();
    for (const close of this.#closers.reverse()) {
      try {
        await close();
      } catch (error) {
        this.#logger.warn({ err: error }, 'error while closing the engine');
      }
    }
  }

  async #afterWrite(namespace: string): Promise<void> {
    await this.#cache.invalidateNamespace(namespace);
    const now = this.#now();
    if (now - this.#lastPurge < PURGE_INTERVAL_MS) return;
    this.#lastPurge = now;
    purgeInBackground(this.#store, now - this.#historyRetentionMs, this.#logger);
  }
}
