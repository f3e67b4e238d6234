import type { SearchQuery } from '../store.js';
import { SqlParams } from './memory-rows.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { HitsQuery } from './postgres-vectors.js';

/** Postings read per word in the first round of the threshold algorithm. */
const FIRST_DEPTH = 64;
/**
 * A second round is worth it only when it reads some word's list to its end (a rare word:
 * its memories are then all scored, and the bound drops to the common words' share).
 */
const SECOND_DEPTH_MAX = 1024;
/** Scores and bounds are sums of the same doubles in a different order. */
const EPSILON = 1e-9;

interface QueryWord {
  term: string;
  /** Memories of the namespace holding the word. */
  df: number;
  idf: number;
}

/** Adds the scope's visibility rule and the query's filters on `m` (memories) to `p`. */
export type Conditions = (p: SqlParams) => string;

type Hit = { seq: string; score: number };

interface Round {
  hits: Hit[];
  /** Per word: postings read and the impact of the last one read. */
  heads: Map<string, { taken: number; last: number }>;
}

/**
 * Top-k BM25 over the postings kept by migration 6, without scoring every match. A round
 * reads the highest-impact postings of every query word, scores the memories found exactly
 * (all their query words), and stops once the k-th visible score reaches what any memory not
 * yet seen could score: the sum over words of IDF × the last impact read (the threshold
 * algorithm). One word settles in the first round; a rare word beside common ones in a second
 * that reads the rare word's list to its end. Several words that are each common would need
 * thousands of candidates looked up one by one, so their whole lists are summed instead in one
 * index-only pass. Equal scores may come in another order than an exhaustive ranking gives.
 */
export class PostgresTextSearch {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  /** A `(seq, score)` statement of the best matches in the query's order, or null if no word occurs. */
  async hits(
    namespace: string,
    terms: readonly string[],
    query: SearchQuery,
    conditions: Conditions,
  ): Promise<HitsQuery | null> {
    const words = await this.#queryWords(namespace, terms);
    if (words.length === 0) return null;
    const found =
      (query.orderBy ?? 'relevance') === 'relevance'
        ? await this.#threshold(namespace, words, query, conditions)
        : null;
    const hits = found ?? (await this.#exhaustive(namespace, words, query, conditions));
    const p = new SqlParams();
    const seqs = p.add(hits.map((h) => h.seq));
    const scores = p.add(hits.map((h) => h.score));
    return {
      sql: `SELECT seq, score FROM unnest(${seqs}::bigint[], ${scores}::float8[]) WITH ORDINALITY AS h(seq, score, n) ORDER BY n`,
      params: p,
    };
  }

  /** The best matches by relevance if a round settles them, else null. */
  async #threshold(
    namespace: string,
    words: readonly QueryWord[],
    query: SearchQuery,
    conditions: Conditions,
  ): Promise<Hit[] | null> {
    const first = await this.#round(namespace, words, FIRST_DEPTH, query, conditions);
    if (settled(first, words, FIRST_DEPTH, query.limit)) return first.hits;
    const rarest = Math.min(...words.map((w) => w.df).filter((df) => df > FIRST_DEPTH));
    if (rarest > SECOND_DEPTH_MAX) return null;
    const second = await this.#round(namespace, words, rarest, query, conditions);
    return settled(second, words, rarest, query.limit) ? second.hits : null;
  }

  /** The query's distinct stemmed words that occur in the namespace, with their IDF. */
  async #queryWords(namespace: string, terms: readonly string[]): Promise<QueryWord[]> {
    const s = this.#db.schema;
    const { rows } = await this.#db.pool.query<{ term: string; df: number; docs: number }>(
      `SELECT w.term, st.df, docs.df AS docs
       FROM (SELECT DISTINCT lexeme AS term FROM unnest(to_tsvector('english', $2))) w
       JOIN ${s}.memory_term_stats st ON st.namespace = $1 AND st.term = w.term
       CROSS JOIN (SELECT df FROM ${s}.memory_term_stats WHERE namespace = $1 AND term = '') docs
       WHERE st.df > 0`,
      [namespace, terms.join(' ')],
    );
    return rows.map(({ term, df, docs }) => ({ term, df, idf: Math.log(1 + (docs - df + 0.5) / (df + 0.5)) }));
  }

  async #round(
    namespace: string,
    words: readonly QueryWord[],
    depth: number,
    query: SearchQuery,
    conditions: Conditions,
  ): Promise<Round> {
    const s = this.#db.schema;
    const p = new SqlParams();
    const ns = p.add(namespace);
    const q = queryWordsTable(words, p);
    const { rows } = await this.#db.pool.query<{
      seq: string | null;
      score: number;
      term: string | null;
      taken: number;
    }>(
      `WITH heads AS MATERIALIZED (
         SELECT q.term, h.seq, h.impact FROM ${q} CROSS JOIN LATERAL (
           SELECT seq, impact FROM ${s}.memory_terms t WHERE t.namespace = ${ns} AND t.term = q.term
           ORDER BY impact DESC, seq DESC LIMIT ${p.add(depth)}) h),
       scored AS (
         SELECT c.seq, sum(q.idf * t.impact) AS score
         FROM (SELECT DISTINCT seq FROM heads) c
         JOIN ${s}.memory_terms t ON t.seq = c.seq JOIN ${q} ON q.term = t.term
         GROUP BY c.seq),
       best AS (
         SELECT sc.seq, sc.score FROM scored sc JOIN ${s}.memories m ON m.seq = sc.seq
         WHERE ${conditions(p)} ORDER BY sc.score DESC, sc.seq DESC LIMIT ${p.add(query.limit)})
       SELECT seq, score, NULL AS term, 0 AS taken FROM best
       UNION ALL
       SELECT NULL, min(impact), term, count(*)::int FROM heads GROUP BY term`,
      p.values,
    );
    const round: Round = { hits: [], heads: new Map() };
    for (const row of rows) {
      if (row.term === null) round.hits.push({ seq: row.seq!, score: row.score });
      else round.heads.set(row.term, { taken: row.taken, last: row.score });
    }
    return round;
  }

  /**
   * Every posting of the words summed per memory; the visible best in the query's order. By
   * relevance, only a shortlist of the best scores is sorted (a top-N heap) and checked for
   * visibility, and everything only if too few of those are visible. Other orders need every
   * match's row.
   */
  async #exhaustive(
    namespace: string,
    words: readonly QueryWord[],
    query: SearchQuery,
    conditions: Conditions,
  ): Promise<Hit[]> {
    const s = this.#db.schema;
    const order = query.orderBy ?? 'relevance';
    const attempt = async (shortlist: number | null): Promise<Hit[]> => {
      const p = new SqlParams();
      const scored = `SELECT t.seq, sum(q.idf * t.impact) AS score
        FROM ${queryWordsTable(words, p)} JOIN ${s}.memory_terms t ON t.namespace = ${p.add(namespace)} AND t.term = q.term
        GROUP BY t.seq`;
      const sql =
        order === 'relevance'
          ? `SELECT sc.seq, sc.score FROM (${scored} ORDER BY score DESC, seq DESC LIMIT ${p.add(shortlist)}) sc
             WHERE EXISTS (SELECT 1 FROM ${s}.memories m WHERE m.seq = sc.seq AND ${conditions(p)})`
          : `SELECT sc.seq, sc.score FROM (${scored}) sc JOIN ${s}.memories m ON m.seq = sc.seq WHERE ${conditions(p)}
             ORDER BY ${ORDERS[order]}`;
      const { rows } = await this.#db.pool.query<Hit>(`${sql} LIMIT ${p.add(query.limit)}`, p.values);
      return rows;
    };
    if (order !== 'relevance') return attempt(null);
    const hits = await attempt(query.limit * 10 + 100);
    return hits.length < query.limit ? attempt(null) : hits;
  }
}

/** How matches are ordered when not by relevance. */
const ORDERS: Readonly<Record<Exclude<NonNullable<SearchQuery['orderBy']>, 'relevance'>, string>> = {
  importance: 'm.importance DESC, sc.score DESC',
  'least-important': 'm.importance ASC, sc.score DESC',
  recent: 'm.created_at DESC',
  oldest: 'm.created_at ASC',
};

/** The query words and their IDF as a table `q(term, idf)`. */
function queryWordsTable(words: readonly QueryWord[], p: SqlParams): string {
  return `unnest(${p.add(words.map((w) => w.term))}::text[], ${p.add(words.map((w) => w.idf))}::float8[]) AS q(term, idf)`;
}

/**
 * Whether no memory left unread can outrank the k-th hit: a memory not among any word's
 * heads scores at most the last impact read of each word whose list goes on (0 for a list
 * read to its end, whose memories have all been seen).
 */
function settled(round: Round, words: readonly QueryWord[], depth: number, limit: number): boolean {
  let threshold = 0;
  let exhausted = true;
  for (const { term, idf } of words) {
    const head = round.heads.get(term);
    if (head === undefined || head.taken < depth) continue;
    exhausted = false;
    threshold += idf * head.last;
  }
  if (exhausted) return true;
  const kth = round.hits[limit - 1];
  return kth !== undefined && kth.score >= threshold - EPSILON;
}
