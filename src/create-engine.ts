import { z } from 'zod';
import { LocalResultCache } from './cache/local-result-cache.js';
import { openRedisCacheTier, redisKeyPrefixSchema } from './cache/open-redis-cache-tier.js';
import type { ResultCache } from './cache/result-cache.js';
import type { SharedCacheTier } from './cache/shared-cache-tier.js';
import { cacheSettingsSchema, lexiconFile, resolveConfig } from './config.js';
import { createEmbedder, isEmbedder, type EmbedderSpec } from './embeddings/create-embedder.js';
import type { Embedder } from './embeddings/embedder.js';
import { loadLexicon } from './lexicon/lexicon.js';
import { MAX_MODEL_THREADS } from './embeddings/local-embedder.js';
import { HybridDecisionRouter } from './execution/decision-router.js';
import { PatternExecutionEngine, type CachedExecution } from './execution/engine.js';
import { ToolRegistry, type ToolHandler } from './execution/tools.js';
import { createLogger, type Logger } from './logging.js';
import type { AuditLog } from './memory/audit-log.js';
import type { ExecutionLog } from './memory/execution-log.js';
import { postgresSettingsSchema, type PostgresSettingsInput } from './memory/postgres/postgres-settings.js';
import type { MemoryStore } from './memory/store.js';
import { embedderOptionSchema, isFunction, loggerOptionSchema, openMemoryStore } from './open-memory-store.js';
import { loadBuiltinCatalog } from './patterns/catalog.js';
import { PatternDefinition, type PatternConfig } from './patterns/definition.js';
import { PatternFiles } from './patterns/pattern-files.js';
import { PatternRegistry } from './patterns/registry.js';
import { parseOrThrow } from './validation.js';

export interface EngineOptions extends z.input<typeof cacheSettingsSchema> {
  /**
   * A memory store you opened (openMemoryStore, or your own MemoryStore): yours to close, after
   * the engine. Needs `embedder`, the one its vectors come from. Excludes `databaseUrl` and `postgres`.
   * @default the built-in store `databaseUrl` names, opened and closed by the engine
   */
  store?: MemoryStore;
  /** SQLite file path, ':memory:', or postgres://… @default TMWS_DATABASE_URL, else memories.db in the user's data directory */
  databaseUrl?: string;
  /** PostgreSQL pool and schema settings (also accepted as URL parameters). See docs/scaling.md. */
  postgres?: PostgresSettingsInput;
  /** Where executions are accounted durably. @default the built-in store's; none with a `store` of yours */
  executionLog?: ExecutionLog;
  /** Where the edges (HTTP, MCP) record who did what. @default the built-in store's; none with a `store` of yours */
  auditLog?: AuditLog;
  /**
   * A shared cache tier (L2) you opened (openRedisCacheTier, or your own SharedCacheTier): yours
   * to close, after the engine. Excludes `redisUrl`, `redisTtl` and `redisKeyPrefix`.
   * @default Redis at `redisUrl`, opened and closed by the engine
   */
  sharedCache?: SharedCacheTier;
  /** redis://… for the built-in shared cache tier. @default TMWS_REDIS_URL; none = in-process cache only */
  redisUrl?: string;
  /** Prefix of every Redis key, so deployments sharing a Redis stay apart (the built-in tier's `keyPrefix`). @default 'tmws' */
  redisKeyPrefix?: string;
  /** Pattern configs or definitions, or a YAML/JSON file or directory of them. @default the built-in catalog */
  patterns?: ReadonlyArray<PatternConfig | PatternDefinition> | string;
  /** Reload the pattern files when they change (when `patterns` is a path). See engine.reloadPatterns(). @default false */
  watchPatterns?: boolean;
  /**
   * 'local' (sentence encoder shipped in the package, offline), 'hashing' (lexical, free),
   * { provider: 'openai', url, model, apiKey?, dimensions? } or an Embedder; 'database' takes the
   * one the database records whatever TMWS_EMBEDDER says (how `memory reembed` opens it).
   * @default TMWS_EMBEDDER, else the one the database records, else 'local' for a new database
   */
  embedder?: EmbedderSpec | 'database';
  /**
   * Compute vectors in the background after writes (a slow embedder is never on the write path
   * either way). One-shot processes turn it off: their writes are embedded by the next process
   * that needs vectors. @default true
   */
  backgroundEmbedding?: boolean;
  /**
   * Threads of the local model at most, when the embedder is `local`: a second one speeds up
   * a backlog 1.8× and takes a core while it works. @default one core left to the host (1 on
   * two cores, 2 on more)
   */
  localEmbedderThreads?: number;
  /** A JSON/YAML lexicon of abbreviations and synonyms merged over the built-in one. @default TMWS_LEXICON */
  lexicon?: string;
  /** @default pino to stderr at TMWS_LOG_LEVEL, else 'warn' */
  logger?: Logger;
  /** Confidence (0–1) the router needs to execute a query no trigger matched. @default 0.5 */
  routingThreshold?: number;
  /** Append every execution to the store's execution log (read by `tmws-patterns stats`). @default true */
  recordExecutions?: boolean;
  /** Tools the `execute_tool` pattern may call, by name. */
  tools?: Record<string, ToolHandler>;
  /** Days a memory's earlier versions are kept, so a delete or change can be undone (0: none kept). @default TMWS_HISTORY_RETENTION_DAYS, else 30 */
  historyRetentionDays?: number;
  /** Epoch-millisecond clock, for tests that move time. @default Date.now */
  clock?: () => number;
}

const implementing = <T>(port: string, methods: readonly string[]) =>
  z.custom<T>(
    (v) => typeof v === 'object' && v !== null && methods.every((m) => isFunction((v as Record<string, unknown>)[m])),
    `must implement ${port} (${methods.join(', ')})`,
  );

const optionsSchema = cacheSettingsSchema
  .extend({
    databaseUrl: z.string().min(1).optional(),
    store: implementing<MemoryStore>('MemoryStore', [
      'store',
      'importMany',
      'get',
      'search',
      'nearest',
      'ping',
      'close',
    ]).optional(),
    redisUrl: z.string().min(1).optional(),
    redisKeyPrefix: redisKeyPrefixSchema.optional(),
    sharedCache: implementing<SharedCacheTier>('SharedCacheTier', [
      'get',
      'set',
      'generation',
      'bumpGeneration',
      'claimFill',
      'ping',
      'close',
    ]).optional(),
    auditLog: implementing<AuditLog>('AuditLog', ['append', 'query']).optional(),
    executionLog: implementing<ExecutionLog>('ExecutionLog', ['append', 'summary']).optional(),
    postgres: postgresSettingsSchema.optional(),
    patterns: z.union([z.string().min(1), z.array(z.unknown())]).optional(),
    watchPatterns: z.boolean().optional(),
    embedder: embedderOptionSchema.optional(),
    backgroundEmbedding: z.boolean().optional(),
    localEmbedderThreads: z.number().int().min(1).max(MAX_MODEL_THREADS).optional(),
    lexicon: z.string().min(1).optional(),
    logger: loggerOptionSchema.optional(),
    routingThreshold: z.number().min(0).max(1).optional(),
    recordExecutions: z.boolean().optional(),
    tools: z.record(z.string(), z.custom<ToolHandler>(isFunction, 'must be a function')).optional(),
    historyRetentionDays: z.number().int().min(0).max(36_500).optional(),
    clock: z.custom<() => number>(isFunction, 'must be a function').optional(),
  })
  .refine((o) => !o.store || (o.databaseUrl === undefined && o.postgres === undefined), {
    error: 'give either a store you opened or databaseUrl/postgres, not both',
    path: ['store'],
  })
  .refine((o) => !o.store || (o.embedder !== undefined && o.embedder !== 'database'), {
    error: 'needs the embedder its vectors come from (options.embedder; openMemoryStore returns it)',
    path: ['store'],
  })
  .refine(
    (o) => !o.sharedCache || (o.redisUrl === undefined && o.redisTtl === undefined && o.redisKeyPrefix === undefined),
    {
      error:
        'give either a shared tier you opened or redisUrl/redisTtl/redisKeyPrefix, not both (set those on your tier)',
      path: ['sharedCache'],
    },
  );

/**
 * Wires a ready engine: store, cache, patterns, router. The only place concrete backends are
 * chosen: the built-ins are opened (and closed with the engine) only where the caller passed
 * no instance of its own; an instance passed in is its caller's to close, after the engine.
 */
export async function createPatternExecutionEngine(options: EngineOptions = {}): Promise<PatternExecutionEngine> {
  const opts = parseOrThrow(optionsSchema, options, 'options');
  const config = resolveConfig(opts);
  const logger = opts.logger ?? createLogger(config.logLevel);
  const lexicon = await loadLexicon(opts.lexicon ?? lexiconFile());
  const { registry, patternFiles } = await openPatterns(opts.patterns);
  const router = new HybridDecisionRouter(registry, { confidenceThreshold: opts.routingThreshold ?? 0.5 });
  const tools = new ToolRegistry();
  for (const [name, handler] of Object.entries(opts.tools ?? {})) tools.register(name, handler);

  // Closed by the engine in reverse order: the store (and an embedder made for it) last.
  const closers: Array<() => Promise<void>> = [];
  let stopWatching: (() => void) | undefined;
  try {
    const backend = await openBackend(opts, config.databaseUrl, logger);
    closers.push(...backend.closers);
    const cache = await createResultCache(opts, config.redisUrl, logger);
    closers.push(
      () => cache.close(),
      async () => stopWatching?.(),
    );
    if (opts.watchPatterns && patternFiles) stopWatching = await patternFiles.watch(logger);
    const executionLog = opts.executionLog ?? backend.executionLog;
    const auditLog = opts.auditLog ?? backend.auditLog;
    return new PatternExecutionEngine({
      registry,
      router,
      store: backend.store,
      embedder: backend.embedder,
      lexicon,
      backgroundEmbedding: opts.backgroundEmbedding ?? true,
      cache,
      logger,
      tools,
      ...(patternFiles && { patternFiles }),
      ...(opts.recordExecutions !== false && executionLog && { executionLog }),
      ...(auditLog && { auditLog }),
      historyRetentionDays: config.historyRetentionDays,
      ...(opts.clock && { now: opts.clock }),
      closers,
    });
  } catch (error) {
    // No engine holds what was opened (a custom embedder's bad batchSize, say): close it here.
    for (const close of [...closers].reverse()) await close().catch(() => undefined);
    throw error;
  }
}

type ParsedOptions = z.output<typeof optionsSchema>;

interface Backend {
  store: MemoryStore;
  embedder: Embedder;
  auditLog?: AuditLog;
  executionLog?: ExecutionLog;
  /** What was opened here for the engine, to close with it. */
  closers: Array<() => Promise<void>>;
}

/** The caller's store with its embedder, or the built-in one `databaseUrl` names. */
async function openBackend(opts: ParsedOptions, databaseUrl: string, logger: Logger): Promise<Backend> {
  if (opts.store) {
    // The schema ensured an embedder was given; one named by a spec is made here, so closed here.
    const embedder = await createEmbedder(opts.embedder as EmbedderSpec, { localThreads: opts.localEmbedderThreads });
    const closers = isEmbedder(opts.embedder) ? [] : [async () => embedder.close?.()];
    return { store: opts.store, embedder, closers };
  }
  const opened = await openMemoryStore(databaseUrl, {
    ...(opts.embedder !== undefined && { embedder: opts.embedder }),
    ...(opts.localEmbedderThreads !== undefined && { localEmbedderThreads: opts.localEmbedderThreads }),
    ...(opts.postgres !== undefined && { postgres: opts.postgres }),
    ...(opts.clock !== undefined && { clock: opts.clock }),
    logger,
  });
  return { ...opened, closers: [opened.close] };
}

/**
 * L1 over a shared L2 that every instance sees (the caller's tier, or Redis at `redisUrl`);
 * without either, the in-process L1 alone.
 */
async function createResultCache(
  opts: ParsedOptions,
  redisUrl: string | undefined,
  logger: Logger,
): Promise<ResultCache<CachedExecution>> {
  const local = {
    ...(opts.maxLocalSize !== undefined && { maxLocalSize: opts.maxLocalSize }),
    ...(opts.localTtl !== undefined && { localTtl: opts.localTtl }),
  };
  if (!opts.sharedCache && !redisUrl) return new LocalResultCache<CachedExecution>(local);
  const { TieredResultCache } = await import('./cache/tiered-result-cache.js');
  const l2 =
    opts.sharedCache ??
    (await openRedisCacheTier(redisUrl!, {
      logger,
      ...(opts.redisKeyPrefix !== undefined && { keyPrefix: opts.redisKeyPrefix }),
      ...(opts.redisTtl !== undefined && { maxTtl: opts.redisTtl }),
    }));
  return new TieredResultCache<CachedExecution>(l2, { ...local, logger, closeSharedTier: !opts.sharedCache });
}

/** A path is remembered (as PatternFiles) so the engine can reload it. */
async function openPatterns(
  patterns: string | unknown[] | undefined,
): Promise<{ registry: PatternRegistry; patternFiles?: PatternFiles }> {
  const registry = new PatternRegistry();
  if (typeof patterns === 'string') {
    const patternFiles = new PatternFiles(patterns, registry);
    await patternFiles.reload();
    return { registry, patternFiles };
  }
  const definitions =
    patterns === undefined
      ? await loadBuiltinCatalog()
      : patterns.map((p) => (p instanceof PatternDefinition ? p : PatternDefinition.fromConfig(p)));
  registry.registerBatch(definitions);
  return { registry };
}
