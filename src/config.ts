import { join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { parseOrThrow } from './validation.js';

/**
 * The only module that reads the environment. Everything else receives resolved values.
 *
 * - `TMWS_DATABASE_URL`: a SQLite file path, `:memory:`, or `postgres://…`
 * - `TMWS_REDIS_URL`: `redis://…` for the shared cache tier
 * - `TMWS_LOG_LEVEL`: pino level (default `warn`)
 * - Serving (HTTP/MCP, see docs/serving.md): `TMWS_AUTH_FILE`, `TMWS_API_KEYS`, `TMWS_JWT_SECRET`,
 *   `TMWS_JWT_PUBLIC_KEY`, `TMWS_JWT_ISSUER`, `TMWS_JWT_AUDIENCE`, `TMWS_RATE_LIMIT`
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
  rateLimit: 'TMWS_RATE_LIMIT',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const cacheSettingsSchema = z.strictObject({
  /** Upper bound in seconds on in-process cache entries; each pattern's TTL applies when omitted. */
  localTtl: z.number().int().positive().optional(),
  /** Upper bound in seconds on shared (Redis) cache entries. @default 3600 */
  redisTtl: z.number().int().positive().optional(),
  /** Most results kept in process. @default 1000 */
  maxLocalSize: z.number().int().positive().max(10_000_000).optional(),
});

export interface ResolvedConfig {
  databaseUrl: string;
  redisUrl?: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** The default database: one SQLite file in the user's data directory. */
export function defaultDatabasePath(): string {
  return join(envPaths('tmws-patterns', { suffix: '' }).data, 'memories.db');
}

export function resolveConfig(
  options: { databaseUrl?: string | undefined; redisUrl?: string | undefined; logLevel?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const raw = {
    databaseUrl: options.databaseUrl ?? nonEmpty(env[ENV.databaseUrl]) ?? defaultDatabasePath(),
    redisUrl: options.redisUrl ?? nonEmpty(env[ENV.redisUrl]),
    logLevel: options.logLevel ?? nonEmpty(env[ENV.logLevel]) ?? 'warn',
  };
  return parseOrThrow(
    z.object({
      databaseUrl: z.string().min(1),
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
        .optional(),
      logLevel: z.enum(LOG_LEVELS),
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
  /** `<requests>/<seconds>` per agent, e.g. `600/60`; `0` turns the limit off. */
  rateLimit?: string | undefined;
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
    rateLimit: nonEmpty(env[ENV.rateLimit]),
    redisUrl: nonEmpty(env[ENV.redisUrl]),
  };
}
