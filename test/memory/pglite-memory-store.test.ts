import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPglite } from '../helpers/services.js';
import { registerMemoryStoreContract } from './memory-store-contract.js';
import { postgresStoreFixture } from './postgres-store-fixture.js';

// PGlite bundles pgvector, so this runs the same store through the HNSW path, always.
describe('PGlite store (pgvector)', () => {
  let server: Awaited<ReturnType<typeof startPglite>>;
  const fixture = postgresStoreFixture(() => server.url, { vectors: 'pgvector' });
  beforeAll(async () => {
    server = await startPglite();
  });
  afterAll(async () => {
    await fixture.teardown();
    await server.stop();
  });

  registerMemoryStoreContract('pglite', fixture.create);

  it('indexes vectors with HNSW', async () => {
    const db = await fixture.database();
    expect(db.vectors).toBe('pgvector');
    const { rows } = await db.pool.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'memories_embedding'`);
    expect(String(rows[0]?.['indexdef'])).toMatch(/USING hnsw/);
  });
});
