import type { Scope, SearchQuery } from '../store.js';
import { SqlParams, filterConditions, visibleTo } from './memory-rows.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { HitsQuery } from './postgres-vectors.js';

/**
 * At most this many postings of the words inside a created-time window are scored directly
 * from the postings' time index. A wider window (most of the store) leaves ranking to the
 * words' impact-ordered lists, whose heads then hold the window's best matches anyway.
 */
export const WINDOW_POSTINGS_AT_MOST = 20_000;

/** Matches outside the relevance order: how the window's matches are sorted. */
const ORDERS: Readonly<Record<NonNullable<SearchQuery['orderBy']>, string>> = {
  relevance: 'h.score DESC, h.seq DESC',
  importance: 'm.importance DESC, h.score DESC',
  'least-important': 'm.importance ASC, h.score DESC',
  recent: 'm.created_at DESC',
  oldest: 'm.created_at ASC',
};

/**
 * A `(seq, score)` statement of the best matches of `terms` inside the query's created-time
 * window: exact BM25 over the window's part of each word's postings, read from the
 * `(namespace, term, created_at)` index alone. Undefined when the query has no window or the
 * window holds more than WINDOW_POSTINGS_AT_MOST of the words' postings.
 */
export async function windowedHits(
  db: PostgresDatabase,
  scope: Scope,
  terms: readonly string[],
  query: SearchQuery,
  now: number,
): Promise<HitsQuery | undefined> {
  if (query.createdAfter === undefined && query.createdBefore === undefined) return undefined;
  const s = db.schema;
  const inWindow = (p: SqlParams) =>
    [
      query.createdAfter === undefined ? '' : `AND t.created_at >= ${p.add(query.createdAfter)}`,
      query.createdBefore === undefined ? '' : `AND t.created_at < ${p.add(query.createdBefore)}`,
    ].join(' ');
  const lexemes = (p: SqlParams) =>
    `SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', ${p.add(terms.join(' '))}))`;

  const probe = new SqlParams();
  const { rows } = await db.pool.query<{ postings: string }>(
    `SELECT count(*) AS postings FROM (SELECT 1 FROM ${s}.memory_terms t
       WHERE t.namespace = ${probe.add(scope.namespace)} AND t.term IN (${lexemes(probe)}) ${inWindow(probe)}
       LIMIT ${WINDOW_POSTINGS_AT_MOST + 1}) w`,
    probe.values,
  );
  if (Number(rows[0]!.postings) > WINDOW_POSTINGS_AT_MOST) return undefined;

  const p = new SqlParams();
  const namespace = p.add(scope.namespace);
  // BM25's IDF from the namespace's document frequencies, as PostgresTextSearch computes it.
  const sql = `WITH q AS MATERIALIZED (
      SELECT st.term, ln(1 + (docs.df - st.df + 0.5) / (st.df + 0.5)) AS idf
      FROM (${lexemes(p)}) w
      JOIN ${s}.memory_term_stats st ON st.namespace = ${namespace} AND st.term = w.lexeme
      CROSS JOIN (SELECT df FROM ${s}.memory_term_stats WHERE namespace = ${namespace} AND term = '') docs
      WHERE st.df > 0),
    h AS MATERIALIZED (
      SELECT t.seq, sum(q.idf * t.impact) AS score
      FROM q JOIN ${s}.memory_terms t ON t.namespace = ${namespace} AND t.term = q.term ${inWindow(p)}
      GROUP BY t.seq)
    SELECT h.seq, h.score FROM h JOIN ${s}.memories m ON m.seq = h.seq
    WHERE ${visibleTo(scope, now, p)} ${filterConditions(query, scope, p)}
    ORDER BY ${ORDERS[query.orderBy ?? 'relevance']} LIMIT ${p.add(query.limit)}`;
  return { sql, params: p };
}
