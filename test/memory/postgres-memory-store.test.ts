import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { TEST_POSTGRES_URL } from '../helpers/services.js';
import { memoryStoreSuite } from '../../src/testing/index.js';
import { postgresStoreFixture } from './postgres-store-fixture.js';

// Vectors as float32 bytea with a bounded exact scan: what runs where pgvector is missing
// (Debian's PostgreSQL here). PGlite's spec covers the pgvector path.
describe.skipIf(!TEST_POSTGRES_URL)('PostgreSQL store', () => {
  const fixture = postgresStoreFixture(() => TEST_POSTGRES_URL!, { vectors: 'array' });
  afterAll(() => fixture.teardown());

  memoryStoreSuite({ name: 'postgres', open: fixture.create });

  it('records its vector layout and refuses to reopen with another', async () => {
    const db = await fixture.database();
    const { rows } = await db.pool.query(`SELECT value FROM ${db.schema}.store_meta WHERE key = 'vectors'`);
    expect(rows[0]?.['value']).toBe('array');
    await expect(fixture.reopen({ vectors: 'pgvector' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('runs a write again when PostgreSQL aborts it to break a deadlock', async () => {
    const { store, cleanup } = await fixture.create();
    const db = await fixture.database();
    const scope = { namespace: 'locks', agentId: 'alice' };
    const { memory } = await store.store(scope, { content: 'rotate the signing keys', tags: ['keys'] }, null);
    // Another session holds the namespace's write lock (the '' stats row every write trigger takes).
    const other = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await other.connect();
    try {
      // The other session checks for deadlocks long after the store's (1 s): PostgreSQL aborts the
      // store's update however late a loaded machine runs its check.
      await other.query(`SET deadlock_timeout = '60s'`);
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM ${db.schema}.memory_term_stats WHERE namespace = $1 AND term = '' FOR UPDATE`, [
        scope.namespace,
      ]);
      // The update locks its row, then waits for the namespace lock...
      const update = store.update(scope, memory.id, { tags: ['rotated'] });
      const otherPid = (await other.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      const blockedByOther = async () =>
        Number(
          (
            await other.query('SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [
              otherPid,
            ])
          ).rows[0].n,
        );
      await vi.waitFor(async () => expect(await blockedByOther()).toBe(1), { timeout: 5000, interval: 20 });
      // ...while the other session now wants that row: a deadlock. PostgreSQL aborts the update
      // (its check fires first); the store runs it again once the row is free.
      await other.query(`SELECT 1 FROM ${db.schema}.memories WHERE id = $1 FOR UPDATE`, [memory.id]);
      await other.query('ROLLBACK');
      const updated = await update;
      expect(updated?.tags).toEqual(['rotated']);
      expect((await store.search(scope, { text: 'rotated', limit: 5 })).map((m) => m.id)).toEqual([memory.id]);
    } finally {
      await other.end();
      await cleanup();
    }
  });

  it('refuses a store written by another embedder', async () => {
    await fixture.database();
    await expect(fixture.reopen({}, new HashingEmbedder({ dimensions: 64 }))).rejects.toThrow(/hashing-v1-256/);
  });
});
