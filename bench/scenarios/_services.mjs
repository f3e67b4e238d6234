// Where the PostgreSQL and Redis benchmarks find their servers, and how they clean up.
import pg from 'pg';

export const POSTGRES_URL =
  process.env.TMWS_BENCH_POSTGRES_URL ||
  process.env.TMWS_TEST_POSTGRES_URL ||
  'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL =
  process.env.TMWS_BENCH_REDIS_URL || process.env.TMWS_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

export async function postgresReachable(url = POSTGRES_URL) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The URL with the store's schema parameter set. */
export function inSchema(url, schema) {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

export async function dropSchemas(url, schemas) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
