import { afterAll, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { TEST_POSTGRES_URL } from '../helpers/services.js';
import { registerMemoryStoreContract } from './memory-store-contract.js';
import { postgresStoreFixture } from './postgres-store-fixture.js';

// Vectors as float32 bytea with a bounded exact scan: what runs where pgvector is missing
// (Debian's PostgreSQL here). PGlite's spec covers the pgvector path.
describe.skipIf(!TEST_POSTGRES_URL)('PostgreSQL store', () => {
  const fixture = postgresStoreFixture(() => TEST_POSTGRES_URL!, { vectors: 'array' });
  afterAll(() => fixture.teardown());

  registerMemoryStoreContract('postgres', fixture.create);

  it('records its vector layout and refuses to reopen with another', async () => {
    const db = await fixture.database();
    const { rows } = await db.pool.query(`SELECT value FROM ${db.schema}.store_meta WHERE key = 'vectors'`);
    expect(rows[0]?.['value']).toBe('array');
    await expect(fixture.reopen({ vectors: 'pgvector' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('refuses a store written by another embedder', async () => {
    await fixture.database();
    await expect(fixture.reopen({}, new HashingEmbedder({ dimensions: 64 }))).rejects.toThrow(/hashing-v1-256/);
  });
});
