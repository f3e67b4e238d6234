/** SQLite-specific behaviour beyond the shared contract: full-text ranking at scale, vectors across connections. */
/** More matches than the store once ranked exactly (it bounded the rest before the in-process index). */
const BROAD_MATCHES = 5000;
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/memory/sqlite/database.js';
import { SQLITE_MIGRATIONS } from '../../src/memory/sqlite/migrations.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import type { ImportedMemory } from '../../src/memory/store.js';
import { tempDir } from '../helpers/engine.js';

const embedder = new HashingEmbedder();
const scope = { namespace: 'default', agentId: 'a' };

function open(path = ':memory:') {
  const db = openSqliteDatabase({ path, embedder });
  return { db, store: new SqliteMemoryStore(db) };
}

async function seed(store: SqliteMemoryStore, memories: ImportedMemory[]) {
  await store.importMany(
    memories,
    memories.map((m) => embedder.embedSync(m.content)),
  );
}

describe('SQLite full-text search at scale', () => {
  /** FTS5's own exhaustive BM25 over every match, visibility applied afterwards. */
  function exhaustive(db: SqliteDatabase, text: string, agentId: string) {
    const words = text
      .split(' ')
      .map((w) => `"${w}"`)
      .join(' OR ');
    return (
      db
        .prepare(
          `SELECT m.id, m.agent_id, m.access_level, -bm25(memories_fts, 1.0, 0.5) AS score
           FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid
           WHERE memories_fts MATCH ? ORDER BY score DESC`,
        )
        .all(words) as Array<{ id: string; agent_id: string; access_level: string; score: number }>
    ).filter((m) => m.agent_id === agentId || m.access_level !== 'private');
  }

  it('returns the exhaustive BM25 top 10 up to BROAD_MATCHES matches, skipping what the agent may not see', async () => {
    const { db, store } = open();
    const words = ['cache', 'latency', 'index', 'deploy', 'token'];
    await seed(store, [
      ...Array.from({ length: 2200 }, (_, i) => ({
        ...scope,
        // bob's private memories are the shortest, so the best BM25 scores, more than a page
        // of them: all must be skipped.
        agentId: i % 4 !== 0 ? 'bob' : 'a',
        accessLevel: i % 4 !== 0 ? ('private' as const) : ('team' as const),
        content:
          i % 4 !== 0
            ? `${words[i % 5]} ${words[(i + 1) % 5]}`
            : `${words[i % 5]} ${words[(i * 7) % 5]} and some longer filler text number ${i}`,
      })),
    ]);
    for (const text of ['cache', 'cache latency', 'index deploy token']) {
      const expected = exhaustive(db, text, 'a').slice(0, 10);
      const found = await store.search(scope, { text, limit: 10 });
      expect(found.map((m) => m.score)).toEqual(expected.map((m) => m.score));
      expect(found.every((m) => m.agentId === 'a' || m.accessLevel !== 'private')).toBe(true);
    }
    db.close();
  });

  it('orders matches by importance when asked, not only the best ranked', async () => {
    const { db, store } = open();
    await seed(store, [
      ...Array.from({ length: 1200 }, (_, i) => ({ ...scope, content: `common word ${i}`, importance: 0.5 })),
      { ...scope, content: 'a common word buried in a much longer memory about other things', importance: 0.9 },
    ]);
    const byImportance = await store.search(scope, { text: 'common', limit: 1, orderBy: 'importance' });
    expect(byImportance[0]!.importance).toBe(0.9);
    db.close();
  });

  const common = (i: number): ImportedMemory => ({ ...scope, content: `common word filler ${i}` });

  it('ranks the memory holding a rare word beside a common one first among thousands of matches', async () => {
    const { db, store } = open();
    await seed(store, [
      { ...scope, content: 'common and rare together' },
      ...Array.from({ length: BROAD_MATCHES + 500 }, (_, i) => common(i)),
    ]);
    const found = await store.search(scope, { text: 'common rare', limit: 5 });
    expect(found[0]!.content).toBe('common and rare together');
    expect(found).toHaveLength(5);
    db.close();
  });

  it("keeps each namespace's matches apart inside the index", async () => {
    const { db, store } = open();
    await seed(store, [
      ...Array.from({ length: BROAD_MATCHES + 10 }, (_, i) => ({
        namespace: 'busy',
        agentId: 'a',
        content: `shared topic ${i}`,
      })),
      { namespace: 'quiet', agentId: 'a', content: 'shared topic in the quiet namespace' },
    ]);
    const found = await store.search({ namespace: 'quiet', agentId: 'a' }, { text: 'shared topic', limit: 5 });
    expect(found.map((m) => m.content)).toEqual(['shared topic in the quiet namespace']);
    db.close();
  });

  it("lists a tag's memories most important first, whether the tag is rare or common", async () => {
    const { db, store } = open();
    await seed(store, [
      ...Array.from({ length: BROAD_MATCHES + 10 }, (_, i) => ({
        ...scope,
        content: `tagged ${i}`,
        tags: ['busy'],
        importance: (i % 100) / 100,
      })),
      { ...scope, content: 'the rare one', tags: ['rare'], importance: 0.1 },
    ]);
    expect((await store.search(scope, { tags: ['rare'], limit: 5 })).map((m) => m.content)).toEqual(['the rare one']);
    const busy = await store.search(scope, { tags: ['busy'], limit: 3, orderBy: 'importance' });
    expect(busy.map((m) => m.importance)).toEqual([0.99, 0.99, 0.99]);
    db.close();
  });
});

describe('SQLite vectors across connections', () => {
  it("sees another connection's new memories on the next k-NN query", async () => {
    const path = join(tempDir(), 'shared.db');
    const first = open(path);
    const second = open(path);
    await first.store.store(
      scope,
      { content: 'pooling connections with pgbouncer' },
      embedder.embedSync('pooling connections with pgbouncer'),
    );
    expect(
      await second.store.nearest(scope, { embedding: embedder.embedSync('pgbouncer pooling'), limit: 5 }),
    ).toHaveLength(1);
    await first.store.store(
      scope,
      { content: 'pgbouncer transaction pooling mode' },
      embedder.embedSync('pgbouncer transaction pooling mode'),
    );
    await second.store.store(scope, { content: 'unrelated fact' }, embedder.embedSync('unrelated fact'));
    const seen = await second.store.nearest(scope, { embedding: embedder.embedSync('pgbouncer pooling'), limit: 5 });
    expect(seen.map((m) => m.content).sort()).toEqual([
      'pgbouncer transaction pooling mode',
      'pooling connections with pgbouncer',
      'unrelated fact',
    ]);
    first.db.close();
    second.db.close();
  });

  it('drops deleted memories from k-NN results', async () => {
    const { db, store } = open();
    const { memory } = await store.store(scope, { content: 'to be deleted' }, embedder.embedSync('to be deleted'));
    expect(await store.nearest(scope, { embedding: embedder.embedSync('deleted'), limit: 1 })).toHaveLength(1);
    await store.delete(scope, memory.id);
    expect(await store.nearest(scope, { embedding: embedder.embedSync('deleted'), limit: 1 })).toEqual([]);
    db.close();
  });

  it('keeps the index unchanged when a write transaction fails', async () => {
    const { db, store } = open();
    await store.nearest(scope, { embedding: embedder.embedSync('x'), limit: 1 }); // load the index
    const bad: ImportedMemory[] = [
      { ...scope, content: 'good one' },
      { ...scope, content: 'bad one', importance: 5 },
    ];
    await expect(
      store.importMany(
        bad,
        bad.map((m) => embedder.embedSync(m.content)),
      ),
    ).rejects.toThrow();
    expect(await store.nearest(scope, { embedding: embedder.embedSync('good one'), limit: 5 })).toEqual([]);
    db.close();
  });
});

describe('SQLite full-text index kept by the store', () => {
  /** Rowids the FTS5 index holds for a word, whatever the memories table says. */
  const indexed = (db: SqliteDatabase, word: string) =>
    db.prepare('SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rowid').pluck().all(`"${word}"`);
  const rowidOf = (db: SqliteDatabase, id: string) =>
    db.prepare('SELECT rowid FROM memories WHERE id = ?').pluck().get(id);

  async function checkIndexFollowsWrites(db: SqliteDatabase, store: SqliteMemoryStore) {
    const { memory } = await store.store(scope, { content: 'rotate the signing keys', tags: ['oldtag'] }, null);
    const rowid = rowidOf(db, memory.id);
    expect(indexed(db, 'signing')).toEqual([rowid]);
    expect(indexed(db, 'oldtag')).toEqual([rowid]);

    await store.update(scope, memory.id, { importance: 0.9 }); // tags unchanged: the row stays as it is
    expect(indexed(db, 'oldtag')).toEqual([rowid]);
    await store.update(scope, memory.id, { tags: ['newtag'] });
    expect(indexed(db, 'oldtag')).toEqual([]);
    expect(indexed(db, 'newtag')).toEqual([rowid]);
    expect(indexed(db, 'signing')).toEqual([rowid]);
    expect((await store.search(scope, { text: 'newtag', limit: 5 })).map((m) => m.id)).toEqual([memory.id]);

    await store.delete(scope, memory.id);
    expect(indexed(db, 'signing')).toEqual([]);
    expect(indexed(db, 'newtag')).toEqual([]);
  }

  it('indexes, re-indexes and forgets a memory with its writes, and a failed write leaves no trace', async () => {
    const { db, store } = open();
    await checkIndexFollowsWrites(db, store);
    const bad: ImportedMemory[] = [
      { ...scope, content: 'half written import' },
      { ...scope, content: 'bad one', importance: 5 },
    ];
    await expect(store.importMany(bad, [null, null])).rejects.toThrow();
    expect(indexed(db, 'half')).toEqual([]);
    db.close();
  });

  it('takes over from the triggers of a database made before migration 6, keeping what they indexed', async () => {
    // A database as migrations 1-5 left it, with a memory its insert trigger indexed.
    const path = join(tempDir(), 'old.db');
    const old = new Database(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version < 6)) {
      old.exec(migration.sql());
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(migration.version, migration.name);
    }
    old.exec(`
      INSERT INTO namespaces (id, name) VALUES (1, 'default');
      INSERT INTO memories (rowid, id, namespace, agent_id, content, content_hash, importance, access_level, created_at, updated_at)
        VALUES (${2 ** 32 + 1}, 'stored-before', 'default', 'a', 'written before the upgrade', 'h', 0.5, 'private', 1, 1);`);
    old.close();

    const { db, store } = open(path);
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'memories_fts%'");
    expect(triggers.all()).toEqual([]);
    expect((await store.search(scope, { text: 'upgrade', limit: 5 })).map((m) => m.id)).toEqual(['stored-before']);
    // Each write indexes once: a trigger left behind would index a memory twice, or fail.
    await checkIndexFollowsWrites(db, store);
    db.close();
  });
});
