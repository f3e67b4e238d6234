/**
 * The in-process full-text index against an exhaustive BM25 (FTS5's formula over every live
 * memory of the one namespace, from FTS5's own tokens), for common, rare and several
 * words and synonym phrases, with visibility and filters, after deletes and updates, and after
 * another connection to the same file writes.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/memory/sqlite/database.js';
import { NamespaceRanges } from '../../src/memory/sqlite/namespace-ranges.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { SqliteTextIndexes } from '../../src/memory/sqlite/sqlite-text-index.js';
import type { ImportedMemory, SearchQuery } from '../../src/memory/store.js';
import { fts5Tokens } from '../../src/memory/full-text/fts5-tokens.js';
import { tempDir } from '../helpers/engine.js';

const embedder = new HashingEmbedder();
const me = { namespace: 'default', agentId: 'me' };
const COMMON = ['cache', 'latency', 'index', 'deploy'];
const FILLER = Array.from({ length: 400 }, (_, i) => `word${i.toString(36)}`);

function open(path: string) {
  const db = openSqliteDatabase({ path, embedder });
  return { db, store: new SqliteMemoryStore(db) };
}

/** A store on a new file holding `count` of the notes below (no vectors). */
async function openSeeded(file: string, count: number) {
  const opened = open(join(tempDir(), file));
  const seeded = notes(count);
  await opened.store.importMany(
    seeded,
    seeded.map(() => null),
  );
  return opened;
}

/** Deterministic notes: common words in many, rare ones in few, two owners, tags, importance, times. */
function notes(count: number, offset = 0): ImportedMemory[] {
  let seed = 7 + offset;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, (_, j) => {
    const i = j + offset;
    const words = Array.from({ length: 3 + Math.floor(random() * 12) }, () =>
      random() < 0.3 ? COMMON[Math.floor(random() * COMMON.length)]! : FILLER[Math.floor(random() * FILLER.length)]!,
    );
    if (i % 97 === 0) words.push('pgbouncer');
    if (i % 13 === 0) words.push('connection', 'pool');
    const mine = i % 3 !== 0;
    return {
      namespace: 'default',
      agentId: mine ? 'me' : 'other',
      accessLevel: mine || i % 2 === 0 ? ('private' as const) : ('team' as const),
      content: `${words.join(' ')} n${i}`,
      tags: i % 5 === 0 ? ['ops', COMMON[i % 4]!] : ['misc'],
      importance: Math.round(random() * 100) / 100,
      createdAt: Date.parse('2026-01-01T00:00:00Z') + i * 60_000,
    };
  });
}

/**
 * BM25 as FTS5 computes it (k1 1.2, b 0.75, its IDF floored at 1e-6, content weighted 1 and tags
 * 0.5), over every live memory, from FTS5's own tokens (fts5vocab). Not bm25() itself: FTS5 keeps
 * deleted rows in its row count and average length (contentless_delete tables never subtract
 * them), which the index does not.
 */
function exhaustive(db: SqliteDatabase, terms: readonly string[], agentId: string, query: Partial<SearchQuery> = {}) {
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances USING fts5vocab(main, memories_fts, instance)');
  const docs = new Map<number, { content: string[]; tags: string[] }>();
  for (const { doc, col, term } of db
    .prepare('SELECT doc, col, term FROM temp.fts_instances ORDER BY doc, col, offset')
    .all() as Array<{ doc: number; col: 'content' | 'tags'; term: string }>) {
    if (!docs.has(doc)) docs.set(doc, { content: [], tags: [] });
    docs.get(doc)![col].push(term);
  }
  const rows = db
    .prepare('SELECT rowid, agent_id, access_level, tags, importance, created_at FROM memories')
    .all() as Array<{
    rowid: number;
    agent_id: string;
    access_level: string;
    tags: string;
    importance: number;
    created_at: number;
  }>;
  const live = rows.map((r) => ({ ...r, tokens: docs.get(r.rowid) ?? { content: [], tags: [] } }));
  const averageLength = live.reduce((n, r) => n + r.tokens.content.length + r.tokens.tags.length, 0) / live.length;
  const count = (haystack: string[], phrase: string[]) =>
    haystack.filter((_, i) => phrase.every((t, j) => haystack[i + j] === t)).length;
  const phrases = terms.map((t) => fts5Tokens(t));
  const frequencies = live.map((r) => phrases.map((p) => count(r.tokens.content, p) + 0.5 * count(r.tokens.tags, p)));
  const idf = phrases.map((_, i) => {
    const df = frequencies.filter((f) => f[i]! > 0).length;
    const value = Math.log((live.length - df + 0.5) / (df + 0.5));
    return value <= 0 ? 1e-6 : value;
  });
  return live
    .map((r, d) => {
      const length = r.tokens.content.length + r.tokens.tags.length;
      const f = frequencies[d]!;
      const score = f.reduce(
        (sum, tf, i) => sum + idf[i]! * ((tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * length) / averageLength))),
        0,
      );
      return { ...r, matched: f.some((tf) => tf > 0), score };
    })
    .filter((m) => m.matched)
    .filter((m) => m.agent_id === agentId || m.access_level !== 'private')
    .filter((m) => (query.tags ?? []).every((t) => (JSON.parse(m.tags) as string[]).includes(t)))
    .filter((m) => m.importance >= (query.minImportance ?? 0))
    .filter((m) => m.created_at >= (query.createdAfter ?? 0))
    .map((m) => m.score)
    .sort((a, b) => b - a);
}

const QUERIES: Array<[label: string, query: Omit<SearchQuery, 'limit'>, terms: string[]]> = [
  ['a common word', { text: 'cache' }, ['cache']],
  ['a rare word', { text: 'pgbouncer' }, ['pgbouncer']],
  ['two common words', { text: 'cache latency' }, ['cache', 'latency']],
  ['three words, one rare', { text: 'deploy index pgbouncer' }, ['deploy', 'index', 'pgbouncer']],
  ['a word and a synonym phrase', { text: 'pooling', synonyms: ['connection pool'] }, ['pooling', 'connection pool']],
  ['a common word, tagged', { text: 'latency', tags: ['ops'] }, ['latency']],
  ['a common word, important', { text: 'deploy', minImportance: 0.8 }, ['deploy']],
  ['two words, recent', { text: 'index cache', createdAfter: Date.parse('2026-01-02T12:00:00Z') }, ['index', 'cache']],
];

async function expectExact(db: SqliteDatabase, store: SqliteMemoryStore) {
  for (const [label, query, terms] of QUERIES) {
    const found = await store.search(me, { ...query, limit: 10 });
    const expected = exhaustive(db, terms, 'me', query).slice(0, 10);
    expect(found.length, label).toBe(expected.length);
    found.forEach((m, i) => expect(m.score, `${label} #${i}`).toBeCloseTo(expected[i]!, 10));
    expect(found.every((m) => m.agentId === 'me' || m.accessLevel !== 'private')).toBe(true);
  }
}

describe('SQLite in-process full-text index', { timeout: 120_000 }, () => {
  it('returns the exhaustive BM25 top 10, after deletes and updates, and after another connection writes', async () => {
    const path = join(tempDir(), 'text.db');
    const { db, store } = open(path);
    const seeded = notes(1500);
    await store.importMany(
      seeded,
      seeded.map(() => null),
    );
    await expectExact(db, store);

    // Deletes and updates of the best matches, through the store.
    for (const m of (await store.search(me, { text: 'cache latency', limit: 5 })).slice(0, 3))
      await store.delete(me, m.id);
    for (const m of await store.search(me, { text: 'deploy', limit: 4 })) {
      await store.update(me, m.id, { tags: ['cache', 'cache', 'ops'], accessLevel: 'team', importance: 0.9 });
    }
    await expectExact(db, store);

    // Another connection to the same file writes; this one must see it on its next search.
    const other = open(path);
    const more = notes(400, 1500);
    await other.store.importMany(
      more,
      more.map(() => null),
    );
    const theirs = { namespace: 'default', agentId: 'other' };
    for (const m of (await other.store.search(theirs, { text: 'cache', limit: 30 })).slice(0, 20)) {
      await other.store.delete(theirs, m.id);
    }
    for (const m of await other.store.search(theirs, { text: 'pgbouncer', limit: 3 })) {
      await other.store.update(theirs, m.id, { accessLevel: 'team', tags: ['pgbouncer'] });
    }
    // Only the access level changes (content and tags as they were): private memories of theirs become readable.
    const hidden = (await other.store.search(theirs, { text: 'cache latency', limit: 200 })).filter(
      (m) => m.accessLevel === 'private',
    );
    expect(hidden.length).toBeGreaterThan(5);
    for (const m of hidden.slice(0, 30)) await other.store.update(theirs, m.id, { accessLevel: 'public' });
    await expectExact(db, store);
    other.db.close();
    db.close();
  });

  it('keeps the last 10,000 changes; an index further behind builds anew', async () => {
    const path = join(tempDir(), 'behind.db');
    const { db, store } = open(path);
    const first = notes(500);
    await store.importMany(
      first,
      first.map(() => null),
    );
    const behind = new SqliteTextIndexes(db);
    const range = new NamespaceRanges(db).find('default')!;
    expect(behind.current('default', range)?.size).toBe(500);
    const other = open(path);
    const more = notes(11_000, 500);
    await other.store.importMany(
      more,
      more.map(() => null),
    );
    const kept = db.prepare('SELECT count(*) FROM memory_text_changes').pluck().get() as number;
    expect(kept).toBeGreaterThanOrEqual(10_000);
    expect(kept).toBeLessThanOrEqual(11_000);
    for (let i = 0; i < 200 && behind.current('default', range) === null; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(behind.current('default', range)?.size).toBe(11_500);
    behind.close();
    other.db.close();
    db.close();
  });

  it("starts a namespace's index when the store is warmed (a server at start), before any search", async () => {
    const { db, store } = await openSeeded('warmed.db', 200);
    const current = vi.spyOn(SqliteTextIndexes.prototype, 'current');
    try {
      await store.warm('default');
      expect(current).toHaveBeenCalledWith('default', new NamespaceRanges(db).find('default'));
      expect(current.mock.results[0]?.value?.size).toBe(200); // small: built at once
    } finally {
      current.mockRestore();
      await store.close();
      db.close();
    }
  });

  it('answers from FTS5, exactly, while a large namespace is indexed in the background, then from the index', async () => {
    const { db, store } = await openSeeded('large.db', 6000);
    const indexes = new SqliteTextIndexes(db);
    const range = new NamespaceRanges(db).find('default')!;
    expect(indexes.current('default', range)).toBeNull();
    await expectExact(db, store);
    for (let i = 0; i < 20 && indexes.current('default', range) === null; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const index = indexes.current('default', range);
    expect(index?.size).toBe(6000);
    const hits = [...indexes.ranked(index!, ['cache', 'latency'], indexes.filter('default', 'me', {}), 10)][0]!;
    expect(hits.map((h) => h.score)).toEqual(
      exhaustive(db, ['cache', 'latency'], 'me')
        .slice(0, 10)
        .map((s) => expect.closeTo(s, 10)),
    );
    indexes.close();
    db.close();
  });
});
