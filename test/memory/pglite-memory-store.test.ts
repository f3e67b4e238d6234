import { describe, expect, it } from 'vitest';
import { memoryStoreSuite } from '../../src/testing/index.js';
import { pgliteFixture } from './postgres-backends.js';

// PGlite bundles pgvector, so this runs the same store through the HNSW path, always.
describe('PGlite store (pgvector)', () => {
  const fixture = pgliteFixture();

  memoryStoreSuite({ name: 'pglite', open: fixture.create });

  it('indexes vectors with HNSW', async () => {
    const db = await fixture.database();
    expect(db.vectors).toBe('pgvector');
    const { rows } = await db.pool.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'memories_embedding'`);
    expect(String(rows[0]?.['indexdef'])).toMatch(/USING hnsw/);
  });
});
