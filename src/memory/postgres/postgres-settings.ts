import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { parseOrThrow } from '../../validation.js';

/**
 * How the PostgreSQL store connects. Every field can also be given as a query parameter of
 * the database URL (snake_case: `?schema=tmws&pool_size=20&max_overflow=10&pool_pre_ping=true`),
 * so `TMWS_DATABASE_URL` alone configures the CLI; explicit options win over the URL.
 */
export const postgresSettingsSchema = z.strictObject({
  /** Schema holding the tables; created if missing. @default 'tmws' */
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier (a-z, 0-9, _)')
    .optional(),
  /** Connections kept open (SQLAlchemy's pool_size → pg.Pool `min`). @default 10 */
  poolSize: z.number().int().min(1).max(1000).optional(),
  /** Extra connections opened under load and closed when idle (max_overflow → `max` = size + overflow). @default 10 */
  maxOverflow: z.number().int().min(0).max(1000).optional(),
  /** Validate a connection that sat idle before handing it out (pool_pre_ping). @default true */
  poolPrePing: z.boolean().optional(),
  /** Give up opening a connection after this long, so an unreachable server fails fast. @default 5000 */
  connectTimeoutMs: z.number().int().positive().max(600_000).optional(),
  /** Server- and client-side limit on one statement. @default 30000 */
  statementTimeoutMs: z.number().int().positive().max(3_600_000).optional(),
  /** Close connections above `poolSize` after this long idle. @default 10000 */
  idleTimeoutMs: z.number().int().positive().max(3_600_000).optional(),
  /** `pgvector` requires the extension; `array` never uses it; `auto` uses it when it can be created. @default 'auto' */
  vectors: z.enum(['auto', 'pgvector', 'array']).optional(),
  /**
   * Without pgvector, k-NN ranks at most this many of a namespace's newest visible memories
   * (exact cosine, in the application); older ones are not considered. @default 10000
   */
  vectorScanLimit: z.number().int().min(100).max(1_000_000).optional(),
});

export type PostgresSettingsInput = z.input<typeof postgresSettingsSchema>;

export interface PostgresSettings {
  /** The URL without the parameters above, as `pg` receives it. */
  connectionString: string;
  schema: string;
  poolSize: number;
  maxOverflow: number;
  poolPrePing: boolean;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  idleTimeoutMs: number;
  vectors: 'auto' | 'pgvector' | 'array';
  vectorScanLimit: number;
}

/** @default values of PostgresSettings, in one place. */
export const POSTGRES_DEFAULTS = {
  schema: 'tmws',
  poolSize: 10,
  maxOverflow: 10,
  poolPrePing: true,
  connectTimeoutMs: 5000,
  statementTimeoutMs: 30_000,
  idleTimeoutMs: 10_000,
  vectors: 'auto',
  vectorScanLimit: 10_000,
} as const satisfies Omit<PostgresSettings, 'connectionString'>;

const URL_PARAMETERS: Record<string, keyof PostgresSettingsInput> = {
  schema: 'schema',
  pool_size: 'poolSize',
  max_overflow: 'maxOverflow',
  pool_pre_ping: 'poolPrePing',
  connect_timeout_ms: 'connectTimeoutMs',
  statement_timeout_ms: 'statementTimeoutMs',
  idle_timeout_ms: 'idleTimeoutMs',
  vectors: 'vectors',
  vector_scan_limit: 'vectorScanLimit',
};
const NUMERIC = new Set<string>([
  'poolSize',
  'maxOverflow',
  'connectTimeoutMs',
  'statementTimeoutMs',
  'idleTimeoutMs',
  'vectorScanLimit',
]);

/** Splits the store's own parameters off a postgres:// URL and merges them under explicit options. */
export function resolvePostgresSettings(url: string, options: PostgresSettingsInput = {}): PostgresSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ValidationError('databaseUrl: not a valid postgres:// URL', { cause: error });
  }
  const fromUrl: Record<string, unknown> = {};
  for (const [param, field] of Object.entries(URL_PARAMETERS)) {
    const value = parsed.searchParams.get(param);
    if (value === null) continue;
    parsed.searchParams.delete(param);
    fromUrl[field] = NUMERIC.has(field) ? Number(value) : field === 'poolPrePing' ? parseBoolean(value) : value;
  }
  const merged = parseOrThrow(postgresSettingsSchema, { ...fromUrl, ...options }, 'postgres');
  return { ...POSTGRES_DEFAULTS, ...merged, connectionString: parsed.toString() };
}

function parseBoolean(value: string): boolean | string {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return value;
}
