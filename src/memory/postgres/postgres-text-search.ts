import type { DocNumbers } from '../full-text/doc-numbers.js';
import { ImpactRanking } from '../full-text/impact-ranking.js';
import { bestOfWholeLists } from '../full-text/whole-lists.js';
import type { SearchQuery } from '../store.js';
import { SqlParams } from './memory-rows.js';
import type { PostgresDatabase } from './postgres-database.js';
import { PostgresTextHeads, type PostingHead } from './postgres-text-heads.js';
import type { HitsQuery } from './postgres-vectors.js';

/** Postings first read of each word's list; each further read doubles what is read. */
const FIRST_DEPTH = 256;
/** Memories one check looks up (their visibility, and the impacts of the words not yet read). */
const CHECK_AT_MOST = 64;
/** Memories that may rank beyond which reading further down the lists beats checking them. */
const READ_ON_ABOVE = 256;
/** Memories one check looks up at most, however few of those checked so far the reader may see. */
const MAX_CHECK = 1024;
/**
 * Of this many checked, fewer than this share visible: the filters are selective (the k-th
 * visible score lies far down the lists), and the database, starting from the filters, answers.
 */
const FEW_VISIBLE_AFTER = 64;
const FEW_VISIBLE = 1 / 8;
/** Rounds (reads and lookups) before summing whole lists is the cheaper way. */
const MAX_ROUNDS = 16;
/**
 * Postings of all the words at most, and the share of them a deeper read would reach, from
 * which their whole lists are read and summed in memory (whole-lists.ts) instead.
 */
const WHOLE_LISTS_AT_MOST = 2 ** 17;
const WHOLE_LISTS_FROM = 1 / 3;
/** Best scores of whole lists looked at, per memory asked for, before the database answers instead. */
const WHOLE_LISTS_SHORTLIST = 16;
/** Changed memories a search looks up itself; beyond, a new epoch starts (see migration 8). */
const MAX_CHANGED = 128;
/** Changes forgotten by a new epoch beyond which the table is vacuumed at once. */
const VACUUM_AFTER = 1000;
/** Heads of posting lists kept per process (20 bytes a posting and up to 40 a memory in them). */
const HEADS_BUDGET_BYTES = 8 * 2 ** 20;

interface QueryWord {
  term: string;
  /** Memories of the namespace holding the word. */
  df: number;
  idf: number;
}

/** Adds the scope's visibility rule and the query's filters on `m` (memories) to `p`. */
export type Conditions = (p: SqlParams) => string;

type Hit = { seq: string | number; score: number };

interface Snapshot {
  words: QueryWord[];
  /** The namespace's text epoch, or null when too many memories changed in it to look them up. */
  epoch: string | null;
  /** Memories changed in the epoch: their impacts per word (0: the memory lacks it). */
  changed: Map<number, Float64Array>;
}

/**
 * Top-k BM25 over the postings kept by migration 6, without scoring every match: each word's
 * list is read best impact first (heads kept per process for the namespace's text epoch, see
 * PostgresTextHeads), and the memories most likely to rank are looked up (their other words'
 * impacts and their visibility) until no memory left unread or unchecked can reach the k-th
 * visible score (full-text/impact-ranking.ts). Ties go to the newer memory. Other orders, and
 * searches that would need most of every list anyway, sum whole lists instead.
 */
export class PostgresTextSearch {
  readonly #db: PostgresDatabase;
  readonly #heads: PostgresTextHeads;
  readonly #newEpochs = new Set<string>();

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.#heads = new PostgresTextHeads(db, HEADS_BUDGET_BYTES);
  }

  /** A `(seq, score)` statement of the best matches in the query's order, or null if no word occurs. */
  async hits(
    namespace: string,
    terms: readonly string[],
    query: SearchQuery,
    conditions: Conditions,
  ): Promise<HitsQuery | null> {
    const snapshot = await this.#snapshot(namespace, terms);
    if (snapshot.words.length === 0) return null;
    if (snapshot.epoch === null) this.#startEpoch(namespace);
    const ranked =
      (query.orderBy ?? 'relevance') === 'relevance'
        ? await this.#ranked(namespace, snapshot, query.limit, conditions)
        : null;
    return ranked ?? listed(await this.#exhaustive(namespace, snapshot.words, query, conditions));
  }

  /**
   * The query's distinct stemmed words that occur in the namespace (in a fixed order, which
   * scores are summed in), with their IDF; the namespace's epoch and the memories changed in it.
   */
  async #snapshot(namespace: string, terms: readonly string[]): Promise<Snapshot> {
    const s = this.#db.schema;
    const { rows } = await this.#db.pool.prepared<{ kind: string; term: string | null; value: number; seq: string }>(
      `WITH w AS (SELECT DISTINCT lexeme AS term FROM unnest(to_tsvector('english', $2))),
         changes AS (SELECT count(*) AS n FROM (SELECT 1 FROM ${s}.memory_terms_changed WHERE namespace = $1 LIMIT $3 + 1) c)
       SELECT 'w' AS kind, st.term, st.df::float8 AS value, NULL::bigint AS seq
         FROM w JOIN ${s}.memory_term_stats st ON st.namespace = $1 AND st.term = w.term WHERE st.df > 0
       UNION ALL SELECT 'n', NULL, st.df, st.epoch FROM ${s}.memory_term_stats st WHERE st.namespace = $1 AND st.term = ''
       UNION ALL SELECT 'c', NULL, n, NULL FROM changes
       UNION ALL SELECT 'f', t.term, t.impact, c.seq FROM ${s}.memory_terms_changed c
         LEFT JOIN ${s}.memory_terms t ON t.seq = c.seq AND t.term IN (SELECT term FROM w)
         WHERE c.namespace = $1 AND (SELECT n FROM changes) <= $3`,
      [namespace, terms.join(' '), MAX_CHANGED],
    );
    let docs = 0;
    let epoch: string | null = null;
    let changes = 0;
    const found: Array<{ term: string; df: number }> = [];
    for (const row of rows) {
      if (row.kind === 'w') found.push({ term: row.term!, df: row.value });
      else if (row.kind === 'n') [docs, epoch] = [row.value, row.seq];
      else if (row.kind === 'c') changes = Number(row.value);
    }
    const words = found
      .sort((a, b) => (a.term < b.term ? -1 : 1))
      .map(({ term, df }) => ({ term, df, idf: Math.log(1 + (docs - df + 0.5) / (df + 0.5)) }));
    const changed = new Map<number, Float64Array>();
    for (const row of rows) {
      if (row.kind !== 'f') continue;
      const seq = Number(row.seq);
      let impacts = changed.get(seq);
      if (!impacts) changed.set(seq, (impacts = new Float64Array(words.length)));
      const at = words.findIndex((w) => w.term === row.term);
      if (at >= 0) impacts[at] = row.value;
    }
    return { words, epoch: changes > MAX_CHANGED ? null : epoch, changed };
  }

  /** The best visible matches by relevance, or null if the database had better sum the lists. */
  async #ranked(
    namespace: string,
    snapshot: Snapshot,
    limit: number,
    conditions: Conditions,
  ): Promise<HitsQuery | null> {
    const { words, epoch, changed } = snapshot;
    const docs = this.#heads.numbers(namespace, epoch);
    const ranking = new ImpactRanking(
      words.map((w) => w.idf),
      limit,
      docs,
      4096 * words.length,
    );
    for (const [seq, impacts] of changed) ranking.know(docs.number(seq), impacts);
    const terms = words.map((w) => w.term);
    const depths = words.map((w) => Math.min(FIRST_DEPTH, w.df + changed.size));
    let heads: PostingHead[] = await this.#heads.ensure(namespace, epoch, docs, terms, depths);
    const fed = words.map(() => 0);
    let checked = 0;
    let visible = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      for (const [i, head] of heads.entries()) {
        const to = Math.min(head.count, depths[i]!);
        ranking.read(i, head.docs, head.impacts, fed[i]!, to);
        if (head.ended && to === head.count) ranking.end(i);
        else if (to > 0) ranking.bound(i, head.impacts[to - 1]!);
        fed[i] = to;
      }
      // A filter letting few through (a narrow window, a rare tag): check more at once, or
      // leave it to the database, which can start from the filter's index.
      const rate = checked === 0 ? 1 : visible / checked;
      if (checked >= FEW_VISIBLE_AFTER && rate < FEW_VISIBLE) return null;
      const checkAtMost = Math.min(MAX_CHECK, Math.max(CHECK_AT_MOST, Math.ceil((limit + 1) / rate)));
      const step = ranking.next(checkAtMost, Math.max(READ_ON_ABOVE, 2 * checkAtMost), rate < 1, rate);
      if (step.kind === 'settled') return listed(step.hits.map((h) => ({ seq: h.id, score: h.score })));
      if (step.kind === 'deepen') {
        for (const [i, head] of heads.entries()) if (!(head.ended && fed[i] === head.count)) depths[i]! *= 2;
        // Most of every list would be read: reading them whole and summing is cheaper.
        const whole = words.reduce((sum, w) => sum + w.df, 0) + changed.size * words.length;
        const reading = words.reduce((sum, w, i) => sum + Math.min(w.df, depths[i]!), 0);
        if (whole <= WHOLE_LISTS_AT_MOST && reading >= whole * WHOLE_LISTS_FROM) {
          return this.#wholeLists(namespace, snapshot, docs, heads, limit, conditions);
        }
        heads = await this.#heads.ensure(namespace, epoch, docs, terms, depths, heads);
      } else {
        checked += step.docs.length;
        visible += await this.#check(terms, docs, step.docs, ranking, conditions);
      }
    }
    return null;
  }

  /**
   * The best visible matches from the words' whole lists, summed in memory: the first `limit`
   * of the 16 × limit best that the reader may see, looked up by the statement that reads
   * them. Should the reader see fewer (selective filters), that statement sums the lists over
   * what the filters keep instead. Null if the lists could not be read whole.
   */
  async #wholeLists(
    namespace: string,
    snapshot: Snapshot,
    docs: DocNumbers,
    read: PostingHead[],
    limit: number,
    conditions: Conditions,
  ): Promise<HitsQuery | null> {
    const { words, epoch, changed } = snapshot;
    const terms = words.map((w) => w.term);
    const ends = words.map((w) => w.df + changed.size);
    const heads = await this.#heads.ensure(namespace, epoch, docs, terms, ends, read);
    if (heads.some((head) => !head.ended)) return null;
    const known = new Map([...changed].map(([seq, impacts]) => [docs.number(seq), impacts] as const));
    const shortlist = WHOLE_LISTS_SHORTLIST * limit;
    const best = bestOfWholeLists(
      heads,
      words.map((w) => w.idf),
      docs,
      known,
      shortlist,
    );
    const s = this.#db.schema;
    const p = new SqlParams();
    const n = p.add(limit);
    const visibleBest = `SELECT b.seq, b.score, b.rank
      FROM unnest(${p.add(best.map((b) => b.id))}::bigint[], ${p.add(best.map((b) => b.score))}::float8[]) WITH ORDINALITY AS b(seq, score, rank)
      JOIN ${s}.memories m ON m.seq = b.seq WHERE ${conditions(p)} ORDER BY b.rank LIMIT ${n}`;
    // Every match is in the shortlist: its visible best are the answer.
    if (best.length < shortlist) return { sql: `SELECT seq, score FROM (${visibleBest}) v ORDER BY rank`, params: p };
    const sql = `WITH v AS MATERIALIZED (${visibleBest}), enough AS (SELECT count(*) = ${n} AS yes FROM v)
      SELECT seq, score FROM (
        SELECT seq, score, rank FROM v WHERE (SELECT yes FROM enough)
        UNION ALL
        SELECT seq, score, row_number() OVER (ORDER BY score DESC, seq DESC)
        FROM (${filteredScores(s, namespace, words, conditions, p)}) f WHERE NOT (SELECT yes FROM enough)
      ) u ORDER BY rank LIMIT ${n}`;
    return { sql, params: p };
  }

  /** Looks up whether the reader may see these memories (by number), and the impacts of the words not yet read for each. */
  async #check(
    terms: readonly string[],
    docs: DocNumbers,
    numbers: number[],
    ranking: ImpactRanking,
    conditions: Conditions,
  ): Promise<number> {
    const s = this.#db.schema;
    const seqs = numbers.map((doc) => docs.id(doc));
    const probes = numbers.flatMap((doc, i) => ranking.missing(doc).map((t) => [seqs[i]!, terms[t]!] as const));
    const p = new SqlParams();
    const candidates = p.add(seqs);
    const probeSeqs = p.add(probes.map(([seq]) => seq));
    const probeTerms = p.add(probes.map(([, term]) => term));
    const { rows } = await this.#db.pool.prepared<{ seq: string; term: string | null; impact: number | null }>(
      `WITH visible AS MATERIALIZED (
         SELECT c.seq FROM unnest(${candidates}::bigint[]) AS c(seq) JOIN ${s}.memories m ON m.seq = c.seq
         WHERE ${conditions(p)})
       SELECT seq, NULL AS term, NULL::float8 AS impact FROM visible
       UNION ALL
       SELECT t.seq, t.term, t.impact FROM unnest(${probeSeqs}::bigint[], ${probeTerms}::text[]) AS w(seq, term)
       JOIN ${s}.memory_terms t ON t.seq = w.seq AND t.term = w.term
       WHERE w.seq IN (SELECT seq FROM visible)`,
      p.values,
    );
    const found = new Map<number, Float64Array>();
    for (const row of rows) {
      const seq = Number(row.seq);
      let impacts = found.get(seq);
      if (!impacts) found.set(seq, (impacts = new Float64Array(terms.length).fill(NaN)));
      if (row.term !== null) impacts[terms.indexOf(row.term)] = row.impact!;
    }
    for (const [i, seq] of seqs.entries()) ranking.record(numbers[i]!, found.get(seq) ?? null);
    return found.size;
  }

  /**
   * Starts a new text epoch for the namespace (in the background): under the namespace's
   * write lock, so no writer is between its postings and its change row, the epoch goes up
   * and the changes are forgotten; heads read in the old epoch are not used again.
   */
  #startEpoch(namespace: string): void {
    if (this.#newEpochs.has(namespace)) return;
    this.#newEpochs.add(namespace);
    const s = this.#db.schema;
    void this.#db.pool
      .transaction(async (client) => {
        await client.query(`UPDATE ${s}.memory_term_stats SET epoch = epoch + 1 WHERE namespace = $1 AND term = ''`, [
          namespace,
        ]);
        return (await client.query(`DELETE FROM ${s}.memory_terms_changed WHERE namespace = $1`, [namespace])).rowCount;
      })
      .then(async (forgotten) => {
        this.#heads.forget(namespace);
        // Every search reads this table: thousands of dead rows would slow each one (~5 ms for
        // 100,000) until autovacuum came round.
        if ((forgotten ?? 0) >= VACUUM_AFTER) await this.#db.pool.query(`VACUUM ${s}.memory_terms_changed`);
      })
      // A failed start is retried by the next search that finds too many changes.
      .catch(() => undefined)
      .finally(() => this.#newEpochs.delete(namespace));
  }

  /**
   * Every posting of the words summed per memory; the visible best in the query's order. By
   * relevance, only a shortlist of the best scores is sorted (a top-N heap) and checked for
   * visibility, and all the memories the filters keep only if too few of those pass.
   */
  async #exhaustive(
    namespace: string,
    words: readonly QueryWord[],
    query: SearchQuery,
    conditions: Conditions,
  ): Promise<Hit[]> {
    const s = this.#db.schema;
    const order = query.orderBy ?? 'relevance';
    const run = async (sql: string, p: SqlParams): Promise<Hit[]> =>
      (await this.#db.pool.prepared<Hit>(`${sql} LIMIT ${p.add(query.limit)}`, p.values)).rows;
    const filtered = (p: SqlParams) => filteredScores(s, namespace, words, conditions, p);
    if (order !== 'relevance') {
      const p = new SqlParams();
      return run(
        `SELECT sc.seq, sc.score FROM (${filtered(p)}) sc JOIN ${s}.memories m ON m.seq = sc.seq ORDER BY ${ORDERS[order]}, sc.seq DESC`,
        p,
      );
    }
    // By relevance, first the best scores of all (a shortlist checked for visibility): enough
    // unless the filters keep few.
    const p = new SqlParams();
    const scored = `SELECT t.seq, sum(q.idf * t.impact) AS score
      FROM ${queryWordsTable(words, p)} JOIN ${s}.memory_terms t ON t.namespace = ${p.add(namespace)} AND t.term = q.term
      GROUP BY t.seq ORDER BY score DESC, seq DESC LIMIT ${p.add(query.limit * 10 + 100)}`;
    const hits = await run(
      `SELECT sc.seq, sc.score FROM (${scored}) sc
       WHERE EXISTS (SELECT 1 FROM ${s}.memories m WHERE m.seq = sc.seq AND ${conditions(p)})
       ORDER BY sc.score DESC, sc.seq DESC`,
      p,
    );
    if (hits.length === query.limit) return hits;
    const all = new SqlParams();
    return run(`${filtered(all)} ORDER BY score DESC, seq DESC`, all);
  }
}

/** How matches are ordered when not by relevance. */
const ORDERS: Readonly<Record<Exclude<NonNullable<SearchQuery['orderBy']>, 'relevance'>, string>> = {
  importance: 'm.importance DESC, sc.score DESC',
  'least-important': 'm.importance ASC, sc.score DESC',
  recent: 'm.created_at DESC',
  oldest: 'm.created_at ASC',
};

/** The hits in their order as a `(seq, score)` statement. */
function listed(hits: readonly Hit[]): HitsQuery {
  const p = new SqlParams();
  const seqs = p.add(hits.map((h) => h.seq));
  const scores = p.add(hits.map((h) => h.score));
  return {
    sql: `SELECT seq, score FROM unnest(${seqs}::bigint[], ${scores}::float8[]) WITH ORDINALITY AS h(seq, score, n) ORDER BY n`,
    params: p,
  };
}

/**
 * The memories the filters keep, then their postings of the words summed (`seq, score`): from
 * a narrow window's or a rare tag's index when the filters keep few, by a hash join of the
 * whole lists when they keep many.
 */
function filteredScores(
  schema: string,
  namespace: string,
  words: readonly QueryWord[],
  conditions: Conditions,
  p: SqlParams,
): string {
  return `WITH kept AS MATERIALIZED (SELECT m.seq FROM ${schema}.memories m WHERE ${conditions(p)})
    SELECT t.seq, sum(q.idf * t.impact) AS score
    FROM ${queryWordsTable(words, p)} JOIN ${schema}.memory_terms t ON t.namespace = ${p.add(namespace)} AND t.term = q.term
    WHERE t.seq IN (SELECT seq FROM kept) GROUP BY t.seq`;
}

/** The query words and their IDF as a table `q(term, idf)`. */
function queryWordsTable(words: readonly QueryWord[], p: SqlParams): string {
  return `unnest(${p.add(words.map((w) => w.term))}::text[], ${p.add(words.map((w) => w.idf))}::float8[]) AS q(term, idf)`;
}
