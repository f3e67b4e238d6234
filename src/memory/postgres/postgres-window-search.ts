import type { Scope, SearchQuery } from '../store.js';
import { SqlParams, filterConditions, visibleTo } from './memory-rows.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { HitsQuery } from './postgres-vectors.js';

/**
 * Below this many memories in a created-time window, full text scores the window's memories
 * directly: their postings are found by (seq, term), the primary key of memory_terms. Ranking
 * the words' whole impact lists instead would read mostly memories outside the window, which
 * the threshold algorithm cannot stop early on (a week of a year: 2 % of them pass).
 */
export const WINDOW_FIRST_AT_MOST = 20_000;

/** Matches outside the relevance order: how the window's memories are sorted. */
const ORDERS: Readonly<Record<NonNullable<SearchQuery['orderBy']>, string>> = {
  relevance: 'score DESC, h.seq DESC',
  importance: 'm.importance DESC, score DESC',
  'least-important': 'm.importance ASC, score DESC',
  recent: 'm.created_at DESC',
  oldest: 'm.created_at ASC',
};

/**
 * A `(seq, score)` statement of the best matches of `terms` among the memories of a small
 * created-time window, exact BM25 over the store's postings (each memory's few words looked up
 * by their key); undefined when the query has no window, or its window holds more than
 * WINDOW_FIRST_AT_MOST memories, or more than the words' postings (read whole, they cost less).
 */
export async function windowFirstHits(
  db: PostgresDatabase,
  scope: Scope,
  terms: readonly string[],
  query: SearchQuery,
  now: number,
): Promise<HitsQuery | undefined> {
  if (query.createdAfter === undefined && query.createdBefore === undefined) return undefined;
  const s = db.schema;
  const bounds = new SqlParams();
  const window = [
    query.createdAfter === undefined ? '' : `AND created_at >= ${bounds.add(query.createdAfter)}`,
    query.createdBefore === undefined ? '' : `AND created_at < ${bounds.add(query.createdBefore)}`,
  ].join(' ');
  // Scored from the window only when it holds fewer memories than the words' postings (a
  // rare word's short lists are read as fast whole).
  const { rows } = await db.pool.query<{ window: string; postings: string }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM ${s}.memories WHERE namespace = ${bounds.add(scope.namespace)} ${window}
               LIMIT ${WINDOW_FIRST_AT_MOST + 1}) w) AS window,
            (SELECT coalesce(sum(st.df), 0) FROM ${s}.memory_term_stats st
             WHERE st.namespace = ${bounds.add(scope.namespace)}
               AND st.term IN (SELECT lexeme FROM unnest(to_tsvector('english', ${bounds.add(terms.join(' '))})))) AS postings`,
    bounds.values,
  );
  const inWindow = Number(rows[0]!.window);
  if (inWindow > WINDOW_FIRST_AT_MOST || inWindow >= Number(rows[0]!.postings)) return undefined;

  const p = new SqlParams();
  const namespace = p.add(scope.namespace);
  const conditions = `${visibleTo(scope, now, p)} ${filterConditions(query, scope, p)}`;
  // BM25's IDF from the namespace's document frequencies, as PostgresTextSearch computes it.
  const sql = `WITH q AS MATERIALIZED (
      SELECT st.term, ln(1 + (docs.df - st.df + 0.5) / (st.df + 0.5)) AS idf
      FROM (SELECT DISTINCT lexeme AS term FROM unnest(to_tsvector('english', ${p.add(terms.join(' '))}))) w
      JOIN ${s}.memory_term_stats st ON st.namespace = ${namespace} AND st.term = w.term
      CROSS JOIN (SELECT df FROM ${s}.memory_term_stats WHERE namespace = ${namespace} AND term = '') docs
      WHERE st.df > 0),
    h AS MATERIALIZED (
      SELECT m.seq, (SELECT sum(q.idf * (SELECT t.impact FROM ${s}.memory_terms t
          WHERE t.seq = m.seq AND t.term = q.term)) FROM q) AS score
      FROM ${s}.memories m WHERE ${conditions})
    SELECT h.seq, h.score FROM h JOIN ${s}.memories m ON m.seq = h.seq WHERE h.score IS NOT NULL
    ORDER BY ${ORDERS[query.orderBy ?? 'relevance']} LIMIT ${p.add(query.limit)}`;
  return { sql, params: p };
}
