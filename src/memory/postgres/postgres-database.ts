import type { Logger } from 'pino';
import type { EmbedderChoice, EmbedderIdentity } from '../../embeddings/embedder.js';
import { ValidationError } from '../../errors.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { PostgresPool, type PoolClient } from './postgres-pool.js';
import type { PostgresSettings } from './postgres-settings.js';

export type VectorBackend = 'pgvector' | 'array';

/** An open PostgreSQL store: its pool, its schema and how it keeps vectors. */
export interface PostgresDatabase {
  readonly pool: PostgresPool;
  /** Quoted schema name, ready to prefix table names. */
  readonly schema: string;
  readonly vectors: VectorBackend;
  /** Quoted schema of the pgvector extension, when `vectors` is 'pgvector'. */
  readonly vectorSchema: string | null;
  /** Without pgvector: how many candidates k-NN ranks at most. */
  readonly vectorScanLimit: number;
  close(): Promise<void>;
}

export interface OpenPostgresOptions {
  settings: PostgresSettings;
  /** The embedder, or a choice made from what the store records (see EmbedderChoice). */
  embedder: EmbedderChoice<EmbedderIdentity>;
  logger?: Logger;
}

/**
 * Connects, creates the schema if needed and applies pending migrations. Fails with
 * STORE_UNAVAILABLE within `connectTimeoutMs` when the server cannot be reached.
 */
export async function openPostgresDatabase({
  settings,
  embedder,
  logger,
}: OpenPostgresOptions): Promise<PostgresDatabase> {
  const pool = new PostgresPool(settings, logger);
  const schema = quoteIdentifier(settings.schema);
  try {
    const { vectors, vectorSchema } = await pool.transaction(async (client) => {
      // One instance migrates at a time; the others wait here, then find nothing left to do.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tmws-migrate:${settings.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
      const vectorSetup = await resolveVectors(client, schema, settings.vectors);
      const chosen = typeof embedder === 'function' ? embedder(await recordedEmbedder(client, schema)) : embedder;
      await migrate(client, { schema, dimensions: chosen.dimensions, vectorSchema: vectorSetup.vectorSchema });
      await checkEmbedder(client, schema, chosen, vectorSetup.vectors);
      return vectorSetup;
    });
    return { pool, schema, vectors, vectorSchema, vectorScanLimit: settings.vectorScanLimit, close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

async function migrate(
  client: PoolClient,
  settings: { schema: string; dimensions: number; vectorSchema: string | null },
) {
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${settings.schema}.schema_migrations`);
  const applied = new Set(rows.map((r) => r.version));
  for (const migration of POSTGRES_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await client.query(migration.sql(settings));
    await client.query(
      `INSERT INTO ${settings.schema}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
      [migration.version, migration.name, Date.now()],
    );
  }
}

/**
 * A store keeps the vector layout it was created with (recorded in store_meta). A new store
 * uses pgvector when the extension exists or can be created, unless told otherwise.
 */
async function resolveVectors(
  client: PoolClient,
  schema: string,
  wanted: PostgresSettings['vectors'],
): Promise<{ vectors: VectorBackend; vectorSchema: string | null }> {
  const recorded = (await readMeta(client, schema, 'vectors')) as VectorBackend | undefined;
  if (recorded !== undefined && wanted !== 'auto' && recorded !== wanted) {
    throw new ValidationError(`postgres.vectors: this store keeps vectors as '${recorded}', not '${wanted}'`);
  }
  if (recorded === 'array' || (recorded === undefined && wanted === 'array'))
    return { vectors: 'array', vectorSchema: null };

  const installed = await extensionSchema(client);
  if (installed !== null) return { vectors: 'pgvector', vectorSchema: installed };
  if (recorded === 'pgvector') {
    throw new ValidationError('postgres.vectors: this store uses pgvector, but the extension is not installed');
  }
  await client.query('SAVEPOINT create_vector');
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client.query('RELEASE SAVEPOINT create_vector');
    return { vectors: 'pgvector', vectorSchema: await extensionSchema(client) };
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT create_vector');
    if (wanted === 'pgvector') {
      throw new ValidationError(
        `postgres.vectors: pgvector was required but cannot be created: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return { vectors: 'array', vectorSchema: null };
  }
}

/** A store_meta value, or undefined before the first migration created the table. */
async function readMeta(client: PoolClient, schema: string, key: string): Promise<string | undefined> {
  const { rows: table } = await client.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [
    `${schema}.store_meta`,
  ]);
  if (table[0]?.name == null) return undefined;
  const { rows } = await client.query<{ value: string }>(`SELECT value FROM ${schema}.store_meta WHERE key = $1`, [
    key,
  ]);
  return rows[0]?.value;
}

async function extensionSchema(client: PoolClient): Promise<string | null> {
  const { rows } = await client.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`,
  );
  return rows[0] ? quoteIdentifier(rows[0].schema) : null;
}

async function recordedEmbedder(client: PoolClient, schema: string): Promise<EmbedderIdentity | undefined> {
  const id = await readMeta(client, schema, 'embedder_id');
  return id === undefined
    ? undefined
    : { id, dimensions: Number(await readMeta(client, schema, 'embedder_dimensions')) };
}

/** Vectors from two different embedders are not comparable, so a store is bound to one. */
async function checkEmbedder(
  client: PoolClient,
  schema: string,
  embedder: { id: string; dimensions: number },
  vectors: VectorBackend,
): Promise<void> {
  await client.query(
    `INSERT INTO ${schema}.store_meta (key, value) VALUES ('embedder_id', $1), ('embedder_dimensions', $2), ('vectors', $3)
     ON CONFLICT (key) DO NOTHING`,
    [embedder.id, String(embedder.dimensions), vectors],
  );
  const stored = await readMeta(client, schema, 'embedder_id');
  if (stored !== embedder.id) {
    throw new ValidationError(
      `embedder: this database holds vectors from '${stored}', but the engine was given '${embedder.id}'; use the same embedder, or switch with 'tmws-patterns memory reembed --embedder …'`,
    );
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
