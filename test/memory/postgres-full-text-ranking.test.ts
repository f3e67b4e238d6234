/**
 * PostgreSQL's top-k full text against an exhaustive BM25 written here from the memories'
 * own words (their tsvectors), independent of the postings, the counts and the pruning.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { PostgresDatabase } from '../../src/memory/postgres/postgres-database.js';
import { PostgresTextHeads } from '../../src/memory/postgres/postgres-text-heads.js';
import type { ImportedMemory, MemoryFilter, MemoryStore, Scope } from '../../src/memory/store.js';
import { onPostgresBackends } from './postgres-backends.js';
import type { StoreUnderTest } from '../../src/testing/index.js';

const NAMESPACE = 'ranking';
const alice: Scope = { namespace: NAMESPACE, agentId: 'alice' };
const VOCABULARY = Array.from({ length: 300 }, (_, i) => `term${i}`);
const K1 = 1.2;
const B = 0.75;
const AVERAGE_WORDS = 12;
/** Most words common (hundreds of matches, past the first round's depth), a few rare. */
const QUERIES = ['term0', 'term1 term2', 'term0 term250', 'term3 term7 term12', 'term5 term5 term40 term90'];
/** Two and three words that are each in a fifth to four fifths of the memories. */
const COMMON = ['term0 term1', 'term1 term2', 'term0 term2 term4', 'term1 term3 term5'];
const START = Date.parse('2026-01-01T00:00:00Z');

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Words drawn with Zipf frequencies, so early words occur in many memories. */
function corpus(size: number, namespace: string): ImportedMemory[] {
  const next = random(size + namespace.length);
  const weights = VOCABULARY.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b);
  const word = () => {
    let r = next() * total;
    for (const [i, w] of weights.entries()) if ((r -= w) <= 0) return VOCABULARY[i]!;
    return VOCABULARY[0]!;
  };
  return Array.from({ length: size }, (_, i) => ({
    namespace,
    agentId: i % 3 === 0 ? 'bob' : 'alice',
    accessLevel: i % 6 === 0 ? 'private' : 'team',
    content: Array.from({ length: 3 + Math.floor(next() * 12) }, word).join(' ') + ` note${i}`,
    tags: next() < 0.3 ? [word(), ...(i % 4 === 0 ? ['ops'] : [])] : i % 4 === 0 ? ['ops'] : [],
    importance: (i % 10) / 10,
    createdAt: START + i * 60_000,
  }));
}

interface Scored {
  id: string;
  score: number;
}

/** BM25 over every memory of the namespace alice may read and the filter keeps, computed from scratch. */
async function exhaustive(db: PostgresDatabase, text: string, filter: MemoryFilter = {}): Promise<Scored[]> {
  const { rows } = await db.pool.query<{
    id: string;
    agent_id: string;
    access_level: string;
    tags: string[];
    importance: number;
    created_at: string;
    words: Array<{ lexeme: string; weights: string[] }>;
  }>(
    `SELECT id, agent_id, access_level, tags, importance, created_at, (SELECT json_agg(w) FROM unnest(search) w) AS words
     FROM ${db.schema}.memories WHERE namespace = $1`,
    [NAMESPACE],
  );
  const kept = (d: (typeof rows)[number]) =>
    (filter.createdAfter === undefined || Number(d.created_at) >= filter.createdAfter) &&
    (filter.createdBefore === undefined || Number(d.created_at) < filter.createdBefore) &&
    (filter.minImportance === undefined || d.importance >= filter.minImportance) &&
    (!filter.ownOnly || d.agent_id === 'alice') &&
    (filter.tags ?? []).every((tag) => d.tags.includes(tag));
  const { rows: query } = await db.pool.query<{ lexeme: string }>(
    `SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', $1))`,
    [text],
  );
  const docs = rows.map((row) => {
    const tf = new Map(
      row.words.map((w) => [w.lexeme, w.weights.reduce((n, weight) => n + (weight === 'A' ? 1 : 0.5), 0)]),
    );
    return { ...row, tf, length: [...tf.values()].reduce((a, b) => a + b, 0) };
  });
  const idf = new Map(
    query.map(({ lexeme }) => {
      const df = docs.filter((d) => d.tf.has(lexeme)).length;
      return [lexeme, Math.log(1 + (docs.length - df + 0.5) / (df + 0.5))];
    }),
  );
  return docs
    .filter((d) => (d.agent_id === 'alice' || d.access_level !== 'private') && kept(d))
    .map((d) => {
      let score = 0;
      for (const [lexeme, weight] of idf) {
        const tf = d.tf.get(lexeme);
        if (tf !== undefined) score += (weight * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / AVERAGE_WORDS));
      }
      return { id: d.id, score };
    })
    .filter((d) => d.score > 0)
    .sort((a, b) => b.score - a.score);
}

/** Same scores in the same places; ids must agree wherever a score is not tied with another. */
async function expectSameTop(
  store: MemoryStore,
  db: PostgresDatabase,
  text: string,
  limit = 10,
  filter?: MemoryFilter,
) {
  const expected = (await exhaustive(db, text, filter)).slice(0, limit + 1);
  const found = await store.search(alice, { text, limit, ...filter });
  expect(found.length, text).toBe(Math.min(limit, expected.length));
  for (const [i, memory] of found.entries()) {
    expect(memory.score, `${text} #${i + 1}`).toBeCloseTo(expected[i]!.score, 9);
    const tied = expected.filter((e) => Math.abs(e.score - expected[i]!.score) < 1e-9).length > 1;
    if (!tied) expect(memory.id, `${text} #${i + 1}`).toBe(expected[i]!.id);
  }
}

/** Starts a new text epoch (a search finds over 128 changes) and waits until it has begun. */
async function newEpoch(store: MemoryStore, db: PostgresDatabase): Promise<void> {
  const changes = async () =>
    Number(
      (
        await db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${db.schema}.memory_terms_changed WHERE namespace = $1`,
          [NAMESPACE],
        )
      ).rows[0]!.n,
    );
  await store.search(alice, { text: 'term0', limit: 1 });
  for (let waited = 0; (await changes()) > 0; waited += 50) {
    expect(waited).toBeLessThan(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

onPostgresBackends('full-text ranking', (backend, fixture) => {
  let subject: StoreUnderTest;
  let db: PostgresDatabase;

  beforeEach(async () => {
    subject = await fixture.create();
    db = await fixture.database();
    const memories = [...corpus(1500, NAMESPACE), ...corpus(300, 'elsewhere')];
    await subject.store.importMany(
      memories,
      memories.map(() => null),
    );
  });
  afterEach(() => subject.cleanup());

  it('returns the exhaustive BM25 top 10 for common and rare words', async () => {
    for (const text of QUERIES) await expectSameTop(subject.store, db, text);
    await expectSameTop(subject.store, db, 'term0 term1', 40);
  });

  it('ranks exactly inside a created-time window, narrow (scored from the window) or wide', async () => {
    // One memory an hour, going back: a day holds 24 of them, a month all.
    const now = Date.now();
    await db.pool.query(
      `UPDATE ${db.schema}.memories SET created_at = $1 - 3600000 * (seq - (SELECT min(seq) FROM ${db.schema}.memories))`,
      [now],
    );
    for (const days of [1, 7, 30]) {
      const from = now - days * 86_400_000;
      // Bounded on both sides, since a time only, until a time only.
      for (const window of [{ createdAfter: from, createdBefore: now - 3_600_000 }, { createdAfter: from }]) {
        for (const text of QUERIES) await expectSameTop(subject.store, db, text, 10, window);
      }
    }
    for (const text of QUERIES)
      await expectSameTop(subject.store, db, text, 10, { createdBefore: now - 100 * 3_600_000 });
  });

  // A window holding more postings of the words than the windowed statement reads (20,000) is
  // ranked the other way; 8,000 more memories make one. PGlite would take minutes to load them.
  if (backend === 'postgres')
    it('ranks exactly inside a window too full to be scored from its postings', async () => {
      const more = corpus(8000, NAMESPACE).map((m, i) => ({ ...m, content: `${m.content} more${i}` }));
      await subject.store.importMany(
        more,
        more.map(() => null),
      );
      const text = 'term0 term1 term2 term3 term4 term5';
      const { rows } = await db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${db.schema}.memory_terms WHERE namespace = $1
           AND term IN (SELECT lexeme FROM unnest(to_tsvector('english', $2))) AND created_at >= $3`,
        [NAMESPACE, text, START],
      );
      expect(Number(rows[0]!.n)).toBeGreaterThan(20_000);
      await expectSameTop(subject.store, db, text, 10, { createdAfter: START });
      await expectSameTop(subject.store, db, text, 10, {
        createdAfter: START + 60_000,
        createdBefore: START + 7000 * 60_000,
      });
    });

  it('answers a window that holds no match with one statement, without searching the ranked way', async () => {
    // Every statement (query, prepared or a transaction) takes a pooled connection once.
    const connections = vi.spyOn(db.pool, 'withClient');
    const before = { createdAfter: START - 30 * 86_400_000, createdBefore: START - 86_400_000 };
    expect(await subject.store.search(alice, { text: 'term0 term1', limit: 10, ...before })).toEqual([]);
    expect(connections).toHaveBeenCalledTimes(1);
    connections.mockRestore();
    await expectSameTop(subject.store, db, 'term0 term1', 10, { createdAfter: START + 60 * 60_000 });
  });

  it('stays exact after deletions and re-tagging change the counts', async () => {
    const some = await subject.store.search(alice, { text: 'term0', limit: 60 });
    for (const memory of some.slice(0, 30)) await subject.store.delete(alice, memory.id);
    for (const memory of some.slice(30)) await subject.store.update(alice, memory.id, { tags: ['term250', 'term1'] });
    for (const text of QUERIES) await expectSameTop(subject.store, db, text);
  });

  it("skips another agent's private memories however many of them rank best", async () => {
    const hidden = Array.from({ length: 1100 }, (_, i) => ({
      namespace: NAMESPACE,
      agentId: 'carol',
      accessLevel: 'private' as const,
      content: `term0 term1 term0 term1 c${i}`,
    }));
    await subject.store.importMany(
      hidden,
      hidden.map(() => null),
    );
    await expectSameTop(subject.store, db, 'term0 term1');
    await expectSameTop(subject.store, db, 'term1');
  });

  // Opening again takes a second connection, which PGlite's socket server does not serve.
  if (backend === 'postgres')
    it('indexes the memories of a store made before ranked full text when it is opened', async () => {
      const s = db.schema;
      // Back before version 6: no postings, counts, changes or triggers; a GIN index on the tsvector.
      await db.pool.query(`
      DROP TABLE ${s}.memory_terms, ${s}.memory_term_stats, ${s}.memory_terms_changed;
      DROP FUNCTION ${s}.memory_terms_inserted, ${s}.memory_terms_deleted, ${s}.memory_terms_updated,
        ${s}.memory_terms_moved CASCADE;
      DROP FUNCTION ${s}.bm25_postings;
      CREATE INDEX memories_search ON ${s}.memories USING gin (search);
      DELETE FROM ${s}.schema_migrations WHERE version IN (6, 9, 10);`);
      await fixture.reopen({});
      for (const text of QUERIES) await expectSameTop(subject.store, db, text);
    });

  it('returns the exhaustive top 10 of two and three common words, windows and filters applied inside it', async () => {
    const filters: MemoryFilter[] = [
      {},
      { createdAfter: START + 300 * 60_000, createdBefore: START + 420 * 60_000 },
      { createdBefore: START + 40 * 60_000 },
      { ownOnly: true },
      { tags: ['ops'] },
      { minImportance: 0.8 },
      { minImportance: 0.5, createdAfter: START + 1000 * 60_000, ownOnly: true },
    ];
    for (const text of COMMON) for (const filter of filters) await expectSameTop(subject.store, db, text, 10, filter);
  });

  it('stays exact as memories change between searches that reuse the heads they read', async () => {
    await newEpoch(subject.store, db);
    for (const text of COMMON) await expectSameTop(subject.store, db, text);
    // A few changes (each search looks them up): re-worded, deleted and new memories.
    const top = await subject.store.search(alice, { text: 'term0 term1', limit: 40 });
    for (const memory of top.slice(0, 10)) await subject.store.delete(alice, memory.id);
    for (const [i, memory] of top.slice(10, 20).entries()) {
      await subject.store.update(alice, memory.id, { content: `term2 term4 term2 changed${i}` });
    }
    const strong = Array.from({ length: 20 }, (_, i) => ({
      namespace: NAMESPACE,
      agentId: 'alice',
      accessLevel: 'team' as const,
      content: `term0 term1 term3 extra${i}`,
    }));
    await subject.store.importMany(
      strong,
      strong.map(() => null),
    );
    for (const text of COMMON) await expectSameTop(subject.store, db, text);
    // Many changes: searches read afresh, and a new epoch starts.
    await subject.store.importMany(
      corpus(400, NAMESPACE).map((m, i) => ({ ...m, content: `${m.content} more${i}` })),
      Array.from({ length: 400 }, () => null),
    );
    for (const text of COMMON) await expectSameTop(subject.store, db, text);
    await newEpoch(subject.store, db);
    for (const text of COMMON) await expectSameTop(subject.store, db, text);
  });

  it('ranks equal scores newest first', async () => {
    const same = Array.from({ length: 15 }, (_, i) => ({
      namespace: NAMESPACE,
      agentId: 'alice',
      accessLevel: 'team' as const,
      content: `zeta tied memory${i}`,
    }));
    await subject.store.importMany(
      same,
      same.map(() => null),
    );
    const found = await subject.store.search(alice, { text: 'zeta', limit: 10 });
    expect(found.map((m) => m.content)).toEqual(
      same
        .slice(5)
        .reverse()
        .map((m) => m.content),
    );
    expect(new Set(found.map((m) => m.score)).size).toBe(1);
  });

  it('drops the memory numbers of a namespace once the cache has evicted its last head', async () => {
    // A budget of one byte keeps only the head kept last.
    const heads = new PostgresTextHeads(db, 1);
    const epochOf = async (namespace: string) =>
      (
        await db.pool.query<{ epoch: string }>(
          `SELECT epoch FROM ${db.schema}.memory_term_stats WHERE namespace = $1 AND term = ''`,
          [namespace],
        )
      ).rows[0]!.epoch;
    const epochs = { ranking: await epochOf(NAMESPACE), elsewhere: await epochOf('elsewhere') };
    const rankingNumbers = heads.numbers(NAMESPACE, epochs.ranking);
    await heads.ensure(NAMESPACE, epochs.ranking, rankingNumbers, ['term0'], [16]);
    expect(heads.numbers(NAMESPACE, epochs.ranking)).toBe(rankingNumbers);

    const elsewhereNumbers = heads.numbers('elsewhere', epochs.elsewhere);
    const read = await heads.ensure('elsewhere', epochs.elsewhere, elsewhereNumbers, ['term0', 'term1'], [16, 16]);
    expect(read.every((head) => head.count > 0)).toBe(true);
    // The ranking namespace holds no head now: its numbers went; elsewhere still holds one.
    expect(heads.numbers(NAMESPACE, epochs.ranking)).not.toBe(rankingNumbers);
    expect(heads.numbers('elsewhere', epochs.elsewhere)).toBe(elsewhereNumbers);
  });

  it('matches nothing for words no memory of the namespace holds', async () => {
    expect(await subject.store.search(alice, { text: 'nowhere', limit: 5 })).toEqual([]);
  });
});
