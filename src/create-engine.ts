import { z } from 'zod';
import { LocalResultCache } from './cache/local-result-cache.js';
import type { ResultCache } from './cache/result-cache.js';
import { cacheSettingsSchema, configuredEmbedder, lexiconFile, parseDatabaseUrl, resolveConfig } from './config.js';
import { createEmbedder, embedderFor, isEmbedder, type EmbedderSpec } from './embeddings/create-embedder.js';
import { loadLexicon } from './embeddings/lexicon.js';
import { MAX_MODEL_THREADS } from './embeddings/local-embedder.js';
import { HybridDecisionRouter } from './execution/decision-router.js';
import { PatternExecutionEngine, type CachedExecution } from './execution/engine.js';
import { ToolRegistry, type ToolHandler } from './execution/tools.js';
import { createLogger, type Logger } from './logging.js';
import { openStore } from './memory/open-store.js';
import { postgresSettingsSchema, type PostgresSettingsInput } from './memory/postgres/postgres-settings.js';
import { loadBuiltinCatalog } from './patterns/catalog.js';
import { PatternDefinition, type PatternConfig } from './patterns/definition.js';
import { PatternFiles } from './patterns/pattern-files.js';
import { PatternRegistry } from './patterns/registry.js';
import { parseOrThrow } from './validation.js';

export interface EngineOptions extends z.input<typeof cacheSettingsSchema> {
  /** SQLite file path, ':memory:', or postgres://… @default TMWS_DATABASE_URL, else memories.db in the user's data directory */
  databaseUrl?: string;
  /** redis://… for the shared cache tier. @default TMWS_REDIS_URL; none = in-process cache only */
  redisUrl?: string;
  /** Prefix of every Redis key, so deployments sharing a Redis stay apart. @default 'tmws' */
  redisKeyPrefix?: string;
  /** PostgreSQL pool and schema settings (also accepted as URL parameters). See docs/scaling.md. */
  postgres?: PostgresSettingsInput;
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

const isFunction = (value: unknown): boolean => typeof value === 'function';

const optionsSchema = cacheSettingsSchema.extend({
  databaseUrl: z.string().min(1).optional(),
  redisUrl: z.string().min(1).optional(),
  redisKeyPrefix: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, _ . or -')
    .optional(),
  postgres: postgresSettingsSchema.optional(),
  patterns: z.union([z.string().min(1), z.array(z.unknown())]).optional(),
  watchPatterns: z.boolean().optional(),
  embedder: z
    .union([
      z.enum(['local', 'hashing', 'database']),
      z.strictObject({
        provider: z.literal('openai'),
        url: z.string().min(1),
        model: z.string().min(1),
        apiKey: z.string().min(1).optional(),
        dimensions: z.number().int().positive().optional(),
        batchSize: z.number().int().min(1).max(2048).optional(),
        timeoutMs: z.number().int().positive().optional(),
        maxRetries: z.number().int().min(0).max(10).optional(),
        backoffMs: z.number().int().min(0).optional(),
      }),
      z.custom<EmbedderSpec>(
        isEmbedder,
        "must be 'local', 'hashing', an openai provider or implement embed() and embedBatch()",
      ),
    ])
    .optional(),
  backgroundEmbedding: z.boolean().optional(),
  localEmbedderThreads: z.number().int().min(1).max(MAX_MODEL_THREADS).optional(),
  lexicon: z.string().min(1).optional(),
  logger: z
    .custom<Logger>(
      (v) => typeof v === 'object' && v !== null && isFunction((v as Logger).warn),
      'must be a pino logger',
    )
    .optional(),
  routingThreshold: z.number().min(0).max(1).optional(),
  recordExecutions: z.boolean().optional(),
  tools: z.record(z.string(), z.custom<ToolHandler>(isFunction, 'must be a function')).optional(),
  historyRetentionDays: z.number().int().min(0).max(36_500).optional(),
  clock: z.custom<() => number>(isFunction, 'must be a function').optional(),
});

/** Wires a ready engine: store, cache, patterns, router. The only place concrete backends are chosen. */
export async function createPatternExecutionEngine(options: EngineOptions = {}): Promise<PatternExecutionEngine> {
  const opts = parseOrThrow(optionsSchema, options, 'options');
  const config = resolveConfig(opts);
  const logger = opts.logger ?? createLogger(config.logLevel);
  const spec = opts.embedder === 'database' ? undefined : (opts.embedder ?? configuredEmbedder(undefined));
  const builtin = { localThreads: opts.localEmbedderThreads };
  const configured = spec === undefined ? undefined : await createEmbedder(spec as EmbedderSpec, builtin);
  const lexicon = await loadLexicon(opts.lexicon ?? lexiconFile());
  const { registry, patternFiles } = await openPatterns(opts.patterns);
  const router = new HybridDecisionRouter(registry, { confidenceThreshold: opts.routingThreshold ?? 0.5 });
  const tools = new ToolRegistry();
  for (const [name, handler] of Object.entries(opts.tools ?? {})) tools.register(name, handler);

  const opened = await openStore(parseDatabaseUrl(config.databaseUrl), {
    embedder: configured ?? ((recorded) => embedderFor(recorded, builtin)),
    now: opts.clock,
    logger,
    postgres: opts.postgres,
  });
  let cache: ResultCache<CachedExecution>;
  try {
    cache = await createResultCache(config.redisUrl, {
      logger,
      ...(opts.maxLocalSize !== undefined && { maxLocalSize: opts.maxLocalSize }),
      ...(opts.localTtl !== undefined && { localTtl: opts.localTtl }),
      ...(opts.redisTtl !== undefined && { redisTtl: opts.redisTtl }),
      ...(opts.redisKeyPrefix !== undefined && { keyPrefix: opts.redisKeyPrefix }),
    });
  } catch (error) {
    await opened.close(); // nothing else holds the store yet
    throw error;
  }
  let stopWatching: (() => void) | undefined;
  // Closed by the engine in reverse order: the embedder's thread first, the store last.
  const closers = [
    opened.close,
    () => cache.close(),
    async () => stopWatching?.(),
    // An embedder the caller passed in is the caller's to close; one made here is ours.
    async () => (isEmbedder(opts.embedder) ? undefined : opened.embedder.close?.()),
  ];
  try {
    if (opts.watchPatterns && patternFiles) stopWatching = await patternFiles.watch(logger);
    return new PatternExecutionEngine({
      registry,
      router,
      store: opened.store,
      embedder: opened.embedder,
      lexicon,
      backgroundEmbedding: opts.backgroundEmbedding ?? true,
      cache,
      logger,
      tools,
      ...(patternFiles && { patternFiles }),
      ...(opts.recordExecutions !== false && { executionLog: opened.executionLog }),
      auditLog: opened.auditLog,
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

/**
 * With Redis: L1 over a shared L2 that every instance sees; without: the in-process L1 alone.
 * The Redis modules load on demand, so the embedded default does not pay for ioredis.
 */
async function createResultCache(
  redisUrl: string | undefined,
  settings: { maxLocalSize?: number; localTtl?: number; redisTtl?: number; keyPrefix?: string; logger: Logger },
): Promise<ResultCache<CachedExecution>> {
  const { keyPrefix, logger, redisTtl, ...localSettings } = settings;
  if (!redisUrl) return new LocalResultCache<CachedExecution>(localSettings);
  const [{ RedisCacheTier }, { TieredResultCache }] = await Promise.all([
    import('./cache/redis-cache-tier.js'),
    import('./cache/tiered-result-cache.js'),
  ]);
  const l2 = await RedisCacheTier.connect(redisUrl, { logger, ...(keyPrefix !== undefined && { keyPrefix }) });
  return new TieredResultCache<CachedExecution>(l2, {
    ...localSettings,
    logger,
    ...(redisTtl !== undefined && { redisTtl }),
  });
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
