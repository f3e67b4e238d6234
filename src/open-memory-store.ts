/**
 * @module open-memory-store
 * Opens the built-in memory backends (SQLite, PostgreSQL) a database URL names, with the
 * embedder their vectors come from. What it opens is its caller's to close.
 */
import { z } from 'zod';
import { configuredEmbedder, parseDatabaseUrl } from './config.js';
import { createEmbedder, embedderFor, isEmbedder, type EmbedderSpec } from './embeddings/create-embedder.js';
import type { Embedder } from './embeddings/embedder.js';
import { MAX_MODEL_THREADS } from './embeddings/local-embedder.js';
import type { Logger } from './logging.js';
import type { AuditLog } from './memory/audit-log.js';
import type { ExecutionLog } from './memory/execution-log.js';
import { openStore } from './memory/open-store.js';
import { postgresSettingsSchema, type PostgresSettingsInput } from './memory/postgres/postgres-settings.js';
import type { MemoryStore } from './memory/store.js';
import { parseOrThrow } from './validation.js';

export interface MemoryStoreOptions {
  /**
   * 'local', 'hashing', { provider: 'openai', … } or an Embedder; 'database' takes the one the
   * database records whatever TMWS_EMBEDDER says.
   * @default TMWS_EMBEDDER, else the one the database records, else 'local' for a new database
   */
  embedder?: EmbedderSpec | 'database';
  /** Threads of the local model at most, when the embedder is `local`. @default one core left to the host */
  localEmbedderThreads?: number;
  /** PostgreSQL pool and schema settings (also accepted as URL parameters); ignored for SQLite. */
  postgres?: PostgresSettingsInput;
  logger?: Logger;
  /** Epoch-millisecond clock, for tests that move time. @default Date.now */
  clock?: () => number;
}

/** A built-in backend, opened: pass its parts to createPatternExecutionEngine; close it after the engine. */
export interface OpenedMemoryStore {
  store: MemoryStore;
  /** The embedder the store's vectors come from (the engine must use this one). */
  embedder: Embedder;
  auditLog: AuditLog;
  executionLog: ExecutionLog;
  /** Closes the store, and the embedder if it was made here (not one passed in). */
  close(): Promise<void>;
}

export const isFunction = (value: unknown): boolean => typeof value === 'function';

export const embedderOptionSchema = z.union([
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
]);

export const loggerOptionSchema = z.custom<Logger>(
  (v) => typeof v === 'object' && v !== null && isFunction((v as Logger).warn),
  'must be a pino logger',
);

export const memoryStoreOptionsSchema = z.strictObject({
  embedder: embedderOptionSchema.optional(),
  localEmbedderThreads: z.number().int().min(1).max(MAX_MODEL_THREADS).optional(),
  postgres: postgresSettingsSchema.optional(),
  logger: loggerOptionSchema.optional(),
  clock: z.custom<() => number>(isFunction, 'must be a function').optional(),
});

/**
 * Opens the backend `url` names: a SQLite file path, ':memory:' or sqlite:…, or postgres://….
 * The store, its audit and execution logs share one connection; close() releases them.
 */
export async function openMemoryStore(url: string, options: MemoryStoreOptions = {}): Promise<OpenedMemoryStore> {
  parseOrThrow(z.string().min(1), url, 'url');
  const opts = parseOrThrow(memoryStoreOptionsSchema, options, 'options');
  const spec = opts.embedder === 'database' ? undefined : (opts.embedder ?? configuredEmbedder(undefined));
  const builtin = { localThreads: opts.localEmbedderThreads };
  const configured = spec === undefined ? undefined : await createEmbedder(spec as EmbedderSpec, builtin);
  // An embedder the caller passed in is the caller's to close; one made here is this handle's.
  const madeHere = !isEmbedder(opts.embedder);
  let opened: Awaited<ReturnType<typeof openStore>>;
  try {
    opened = await openStore(parseDatabaseUrl(url), {
      embedder: configured ?? ((recorded) => embedderFor(recorded, builtin)),
      now: opts.clock,
      logger: opts.logger,
      postgres: opts.postgres,
    });
  } catch (error) {
    if (madeHere) await configured?.close?.().catch(() => undefined);
    throw error;
  }
  return {
    store: opened.store,
    embedder: opened.embedder,
    auditLog: opened.auditLog,
    executionLog: opened.executionLog,
    close: async () => {
      try {
        await opened.close();
      } finally {
        if (madeHere) await opened.embedder.close?.();
      }
    },
  };
}
