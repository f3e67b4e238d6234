import { afterAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embeddings/embedder.js';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { EmbeddingBacklog } from '../../src/memory/embedding-backlog.js';
import { reembed } from '../../src/memory/reembed.js';
import { openSqliteDatabase, recordedEmbedder } from '../../src/memory/sqlite/database.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import type { PostgresDatabase } from '../../src/memory/postgres/postgres-database.js';
import type { MemoryStore } from '../../src/memory/store.js';
import { TEST_POSTGRES_URL } from '../helpers/services.js';
import { pgliteFixture } from './postgres-backends.js';
import { postgresStoreFixture } from './postgres-store-fixture.js';

/** A real embedder (hashing) that counts what it embeds and can be held at a gate. */
class CountingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly deferred = true;
  embedded = 0;
  calls = 0;
  gate: Promise<void> = Promise.resolve();
  readonly #inner: HashingEmbedder;
  constructor(dimensions = 256) {
    this.#inner = new HashingEmbedder({ dimensions });
    this.id = this.#inner.id;
    this.dimensions = dimensions;
  }
  embedSync(text: string) {
    return this.#inner.embedSync(text);
  }
  embed(text: string) {
    return this.embedBatch([text]).then((v) => v[0]!);
  }
  async embedBatch(texts: readonly string[]) {
    this.calls++;
    await this.gate;
    this.embedded += texts.length;
    return this.#inner.embedBatch(texts);
  }
}

const scope = (ns: string) => ({ namespace: ns, agentId: 'alice' });
const contents = Array.from({ length: 50 }, (_, i) => `deploy note ${i}: rollout of service ${i % 7} went fine`);

/** The guarantees every backend must give for deferred vectors and re-embedding. */
function embeddingSuite(name: string, open: () => Promise<{ store: MemoryStore; recorded(): Promise<string> }>) {
  describe(`deferred vectors and re-embedding: ${name}`, () => {
    it('acknowledges writes before the embedder runs, yet a search right after finds them', async () => {
      const { store } = await open();
      const ns = `rw-${Math.random().toString(36).slice(2, 8)}`;
      const embedder = new CountingEmbedder();
      let release!: () => void;
      embedder.gate = new Promise((resolve) => (release = resolve));
      const backlog = new EmbeddingBacklog(store, embedder, { background: true });
      const { memory } = await backlog.store(scope(ns), { content: 'pods evicted by the autoscaler at night' });
      expect(embedder.embedded).toBe(0); // the write did not wait for the model
      expect(await store.pendingEmbeddings(ns, 10)).toEqual([{ id: memory.id, content: memory.content }]);
      const vector = backlog.queryVector(ns, 'autoscaler evicted pods');
      release();
      const nearest = await store.nearest(scope(ns), { embedding: await vector, limit: 3 });
      expect(nearest.map((m) => m.id)).toEqual([memory.id]);
      expect(await store.pendingEmbeddings(ns, 10)).toEqual([]);
      await backlog.close();
    });

    it('re-embeds in batches, survives an interruption, resumes, and switches atomically', async () => {
      const { store, recorded } = await open();
      const ns = `re-${Math.random().toString(36).slice(2, 8)}`;
      const before = new HashingEmbedder();
      for (const content of contents) await store.store(scope(ns), { content }, before.embedSync(content));
      const query = before.embedSync('rollout of service 3');
      const oldHits = await store.nearest(scope(ns), { embedding: query, limit: 3 });
      expect(oldHits).toHaveLength(3);

      const target = new CountingEmbedder(64);
      const abort = new AbortController();
      const progress: number[] = [];
      await expect(
        reembed(store, target, {
          batchSize: 10,
          signal: abort.signal,
          onProgress: (done) => {
            progress.push(done);
            if (done >= 20) abort.abort();
          },
        }),
      ).rejects.toThrow();
      expect(target.embedded).toBe(20);
      // Interrupted: the store still serves and records the old vectors.
      expect(await recorded()).toBe('hashing-v1-256');
      expect((await store.nearest(scope(ns), { embedding: query, limit: 3 })).map((m) => m.id)).toEqual(
        oldHits.map((m) => m.id),
      );

      const resumed = new CountingEmbedder(64);
      const outcome = await reembed(store, resumed, { batchSize: 10 });
      // Every memory of the store (other tests' too) is re-embedded; 20 were done before.
      expect(outcome.total).toBeGreaterThanOrEqual(contents.length);
      expect(outcome).toMatchObject({ resumedFrom: 20, embedded: outcome.total - 20 });
      expect(resumed.embedded).toBe(outcome.total - 20);
      const newHits = await store.nearest(scope(ns), {
        embedding: resumed.embedSync('rollout of service 3'),
        limit: 3,
      });
      expect(newHits).toHaveLength(3);
      expect(await recorded()).toBe('hashing-v1-64');
    });
  });
}

embeddingSuite('sqlite', async () => {
  const db = openSqliteDatabase({ path: ':memory:', embedder: new HashingEmbedder() });
  const store = new SqliteMemoryStore(db);
  return { store, recorded: async () => recordedEmbedder(db)!.id };
});

describe('re-embedding, given a batch size that could never finish', () => {
  it('refuses it before anything starts, naming it', async () => {
    const db = openSqliteDatabase({ path: ':memory:', embedder: new HashingEmbedder() });
    const store = new SqliteMemoryStore(db);
    await store.store(scope('bad'), { content: 'one memory' }, new HashingEmbedder().embedSync('one memory'));
    const target = new CountingEmbedder(64);
    // 0 would take nothing each round and never finish; an embedder may not ask for it either.
    await expect(reembed(store, target, { batchSize: 0 })).rejects.toThrow(
      /^batchSize: expected a whole number from 1 to 4096, got 0$/,
    );
    const asking = Object.assign(new CountingEmbedder(64), { batchSize: Number.NaN });
    await expect(reembed(store, asking)).rejects.toThrow(
      /^embedder\.batchSize: expected a whole number from 1 to 4096, got NaN$/,
    );
    expect(target.calls + asking.calls).toBe(0);
    expect(recordedEmbedder(db)!.id).toBe('hashing-v1-256');
    await store.close();
    db.close();
  });
});

async function recordedId(db: PostgresDatabase): Promise<string> {
  const { rows } = await db.pool.query(`SELECT value FROM ${db.schema}.store_meta WHERE key = 'embedder_id'`);
  return String(rows[0]?.['value']);
}

describe('PGlite (pgvector column follows the dimension)', () => {
  const fixture = pgliteFixture();
  const open = async () => {
    const db = await fixture.database();
    const { store } = await fixture.create();
    return { store, recorded: () => recordedId(db) };
  };
  embeddingSuite('pglite', open);

  it('types the new column for the new dimension, with its HNSW index', async () => {
    const db = await fixture.database();
    const { rows } = await db.pool.query(
      `SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
       WHERE a.attrelid = '${db.schema}.memories'::regclass AND a.attname = 'embedding'`,
    );
    expect(rows[0]?.['type']).toMatch(/vector\(64\)/);
    const index = await db.pool.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'memories_embedding'`);
    expect(String(index.rows[0]?.['indexdef'])).toMatch(/hnsw/);
  });
});

describe.skipIf(!TEST_POSTGRES_URL)('PostgreSQL without pgvector (application-side vectors)', () => {
  const fixture = postgresStoreFixture(() => TEST_POSTGRES_URL!, { vectors: 'array' });
  afterAll(() => fixture.teardown());
  embeddingSuite('postgres', async () => {
    const db = await fixture.database();
    const { store } = await fixture.create();
    return { store, recorded: () => recordedId(db) };
  });
});
