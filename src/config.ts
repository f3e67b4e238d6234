import { join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { parseOrThrow } from './validation.js';

/**
 * The only module that reads the environment. Everything else receives resolved values.
 *
 * - `TMWS_DATABASE_URL`: a SQLite file path, `:memory:`, or `postgres://…`
 * - `TMWS_REDIS_URL`: `redis://…` for the shared cache tier
 * - `TMWS_LOG_LEVEL`: pino level (default `warn`)
 * - `TMWS_EMBEDDER`: `local`, `hashing` or `openai` (then `TMWS_EMBEDDING_URL`, `TMWS_EMBEDDING_MODEL`,
 *   and optionally `TMWS_EMBEDDING_API_KEY`, `TMWS_EMBEDDING_DIMENSIONS`); `TMWS_LEXICON`: a user lexicon file
 * - `TMWS_HISTORY_RETENTION_DAYS`: days earlier versions of memories are kept for undo (default 30)
 * - Serving (HTTP/MCP, see docs/serving.md): `TMWS_AUTH_FILE`, `TMWS_API_KEYS`, `TMWS_JWT_SECRET`,
 *   `TMWS_JWT_PUBLIC_KEY`, `TMWS_JWT_ISSUER`, `TMWS_JWT_AUDIENCE`, `TMWS_JWT_MAX_LIFETIME_SECONDS`,
 *   `TMWS_RATE_LIMIT`, `TMWS_TRUST_PROXY`, `TMWS_AUDIT_RETENTION_DAYS`
 */
export const ENV = {
  databaseUrl: 'TMWS_DATABASE_URL',
  redisUrl: 'TMWS_REDIS_URL',
  logLevel: 'TMWS_LOG_LEVEL',
  authFile: 'TMWS_AUTH_FILE',
  apiKeys: 'TMWS_API_KEYS',
  jwtSecret: 'TMWS_JWT_SECRET',
  jwtPublicKey: 'TMWS_JWT_PUBLIC_KEY',
  jwtIssuer: 'TMWS_JWT_ISSUER',
  jwtAudience: 'TMWS_JWT_AUDIENCE',
  jwtMaxLifetime: 'TMWS_JWT_MAX_LIFETIME_SECONDS',
  rateLimit: 'TMWS_RATE_LIMIT',
  trustProxy: 'TMWS_TRUST_PROXY',
  auditRetentionDays: 'TMWS_AUDIT_RETENTION_DAYS',
  embedder: 'TMWS_EMBEDDER',
  embeddingUrl: 'TMWS_EMBEDDING_URL',
  embeddingModel: 'TMWS_EMBEDDING_MODEL',
  embeddingApiKey: 'TMWS_EMBEDDING_API_KEY',
  embeddingDimensions: 'TMWS_EMBEDDING_DIMENSIONS',
  lexicon: 'TMWS_LEXICON',
  historyRetentionDays: 'TMWS_HISTORY_RETENTION_DAYS',
} as const;

/** An embedder named by configuration: a built-in name or an OpenAI-compatible endpoint. */
export type ConfiguredEmbedder =
  'local' | 'hashing' | { provider: 'openai'; url: string; model: string; apiKey?: string; dimensions?: number };

/**
 * The embedder the environment names, or undefined (then the database's own, or `local` for a
 * new one). `name` (an option or CLI flag) wins over TMWS_EMBEDDER; an OpenAI-compatible endpoint
 * takes its URL, model, key and dimensions from the environment.
 */
export function configuredEmbedder(
  name: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ConfiguredEmbedder | undefined {
  const chosen = name ?? nonEmpty(env[ENV.embedder]);
  if (chosen === undefined) return undefined;
  if (chosen === 'local' || chosen === 'hashing') return chosen;
  if (chosen !== 'openai') {
    throw new ValidationError(`embedder: expected local, hashing or openai, got '${chosen}'`);
  }
  const url = nonEmpty(env[ENV.embeddingUrl]);
  const model = nonEmpty(env[ENV.embeddingModel]);
  if (url === undefined || model === undefined) {
    throw new ValidationError(`embedder: 'openai' needs ${ENV.embeddingUrl} and ${ENV.embeddingModel}`);
  }
  const apiKey = nonEmpty(env[ENV.embeddingApiKey]);
  const dimensions = nonEmpty(env[ENV.embeddingDimensions]);
  if (dimensions !== undefined && !/^[1-9]\d{0,5}$/.test(dimensions)) {
    throw new ValidationError(`${ENV.embeddingDimensions}: expected a positive integer, got '${dimensions}'`);
  }
  return {
    provider: 'openai',
    url,
    model,
    ...(apiKey !== undefined && { apiKey }),
    ...(dimensions !== undefined && { dimensions: Number(dimensions) }),
  };
}

/** A user lexicon file to merge over the built-in one (TMWS_LEXICON), if any. */
export function lexiconFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return nonEmpty(env[ENV.lexicon]);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const cacheSettingsSchema = z.strictObject({
  /** Upper bound in seconds on in-process cache entries; each pattern's TTL applies when omitted. */
  localTtl: z.number().int().positive().optional(),
  /** Upper bound in seconds on shared (Redis) cache entries: the built-in tier's `maxTtl`. @default 3600 */
  redisTtl: z.number().int().positive().optional(),
  /** Most results kept in process. @default 1000 */
  maxLocalSize: z.number().int().positive().max(10_000_000).optional(),
});

export interface ResolvedConfig {
  databaseUrl: string;
  redisUrl?: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Days a memory's earlier versions are kept, so deletes and changes can be undone. */
  historyRetentionDays: number;
}

/** @default 30 days of history for undo. */
export const DEFAULT_HISTORY_RETENTION_DAYS = 30;

/** The default database: one SQLite file in the user's data directory. */
export function defaultDatabasePath(): string {
  return join(envPaths('tmws-patterns', { suffix: '' }).data, 'memories.db');
}

export function resolveConfig(
  options: {
    databaseUrl?: string | undefined;
    redisUrl?: string | undefined;
    logLevel?: string | undefined;
    historyRetentionDays?: number | undefined;
  },
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const retention = nonEmpty(env[ENV.historyRetentionDays]);
  const raw = {
    databaseUrl: options.databaseUrl ?? nonEmpty(env[ENV.databaseUrl]) ?? defaultDatabasePath(),
    redisUrl: options.redisUrl ?? nonEmpty(env[ENV.redisUrl]),
    logLevel: options.logLevel ?? nonEmpty(env[ENV.logLevel]) ?? 'warn',
    historyRetentionDays:
      options.historyRetentionDays ?? (retention === undefined ? DEFAULT_HISTORY_RETENTION_DAYS : Number(retention)),
  };
  return parseOrThrow(
    z.object({
      databaseUrl: z.string().min(1),
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
        .optional(),
      logLevel: z.enum(LOG_LEVELS),
      historyRetentionDays: z.number().int().min(0).max(36_500),
    }),
    raw,
    'configuration',
  );
}

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Reads a database URL: postgres://…, sqlite:<path>, :memory:, or a plain file path. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite://')) return { kind: 'sqlite', path: url.slice('sqlite://'.length) || ':memory:' };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: url.slice('sqlite:'.length) || ':memory:' };
  return { kind: 'sqlite', path: url };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The serving settings the environment gives, as raw text; src/security parses and validates them. */
export interface ServingEnvironment {
  authFile?: string | undefined;
  /** JSON array of API key entries (hashed keys). */
  apiKeys?: string | undefined;
  jwtSecret?: string | undefined;
  /** PEM (SPKI) public key for RS256 tokens. */
  jwtPublicKey?: string | undefined;
  jwtIssuer?: string | undefined;
  jwtAudience?: string | undefined;
  /** Seconds a token may live at most. */
  jwtMaxLifetime?: string | undefined;
  /** `<requests>/<seconds>` per agent, e.g. `600/60`; `0` turns the limit off. */
  rateLimit?: string | undefined;
  /** Proxies whose X-Forwarded-For is believed: addresses and CIDR ranges, comma-separated. */
  trustProxy?: string | undefined;
  /** Days audit entries are kept; `0` keeps them all. */
  auditRetentionDays?: string | undefined;
  redisUrl?: string | undefined;
}

export function servingEnvironment(env: NodeJS.ProcessEnv = process.env): ServingEnvironment {
  return {
    authFile: nonEmpty(env[ENV.authFile]),
    apiKeys: nonEmpty(env[ENV.apiKeys]),
    jwtSecret: env[ENV.jwtSecret] || undefined, // whitespace only is kept, to be refused by name
    jwtPublicKey: nonEmpty(env[ENV.jwtPublicKey]),
    jwtIssuer: nonEmpty(env[ENV.jwtIssuer]),
    jwtAudience: nonEmpty(env[ENV.jwtAudience]),
    jwtMaxLifetime: nonEmpty(env[ENV.jwtMaxLifetime]),
    rateLimit: nonEmpty(env[ENV.rateLimit]),
    trustProxy: nonEmpty(env[ENV.trustProxy]),
    auditRetentionDays: nonEmpty(env[ENV.auditRetentionDays]),
    redisUrl: nonEmpty(env[ENV.redisUrl]),
  };
}
