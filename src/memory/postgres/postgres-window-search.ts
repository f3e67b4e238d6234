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
/** The seq of the one row the windowed statement gives when its window held more than that (no memory has it). */
export const UNANSWERED = 0;

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
 * `(namespace, term, created_at)` index alone. When the window holds more than
 * WINDOW_POSTINGS_AT_MOST of the words' postings (it stops reading there), its one row is
 * UNANSWERED, and the caller searches the ranked way; no row means no match the reader may
 * see in the window. Undefined when the query has no window.
 */
export function windowedHits(
  db: PostgresDatabase,
  scope: Scope,
  terms: readonly string[],
  query: SearchQuery,
  now: number,
): HitsQuery | undefined {
  if (query.createdAfter === undefined && query.createdBefore === undefined) return undefined;
  const s = db.schema;
  const p = new SqlParams();
  const namespace = p.add(scope.namespace);
  // Both bounds, always: a parameter range two-sided is estimated narrow, so the prepared
  // statement keeps one generic plan; one-sided it was planned again on every search (~1-3 ms).
  const inWindow = `AND t.created_at >= ${p.add(query.createdAfter ?? Number.MIN_SAFE_INTEGER)}
    AND t.created_at < ${p.add(query.createdBefore ?? Number.MAX_SAFE_INTEGER)}`;
  // BM25's IDF from the namespace's document frequencies, as PostgresTextSearch computes it.
  const sql = `WITH q AS MATERIALIZED (
      SELECT st.term, ln(1 + (docs.df - st.df + 0.5) / (st.df + 0.5)) AS idf
      FROM (SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', ${p.add(terms.join(' '))}))) w
      JOIN ${s}.memory_term_stats st ON st.namespace = ${namespace} AND st.term = w.lexeme
      CROSS JOIN (SELECT df FROM ${s}.memory_term_stats WHERE namespace = ${namespace} AND term = '') docs
      WHERE st.df > 0),
    postings AS MATERIALIZED (
      SELECT t.seq, q.idf * t.impact AS score FROM q JOIN ${s}.memory_terms t
        ON t.namespace = ${namespace} AND t.term = q.term ${inWindow}
      LIMIT ${WINDOW_POSTINGS_AT_MOST + 1}),
    h AS (
      SELECT seq, sum(score) AS score FROM postings
      WHERE (SELECT count(*) FROM postings) <= ${WINDOW_POSTINGS_AT_MOST}
      GROUP BY seq)
    (${best(query, `${visibleTo(scope, now, p)} ${filterConditions(query, scope, p)}`, s)} LIMIT ${p.add(query.limit)})
    UNION ALL
    SELECT ${UNANSWERED}, 0 WHERE (SELECT count(*) FROM postings) > ${WINDOW_POSTINGS_AT_MOST}`;
  return { sql, params: p };
}

/**
 * The window's matches `h` the reader may see, in the query's order. By relevance the matches
 * are sorted first and looked up one by one until the limit is reached (a nested loop the
 * LIMIT stops), so a week's 800 matches of a common word cost ten lookups, not 800.
 */
function best(query: SearchQuery, visible: string, s: string): string {
  const order = query.orderBy ?? 'relevance';
  if (order === 'relevance') {
    return `SELECT h.seq, h.score FROM (SELECT * FROM h ORDER BY ${ORDERS.relevance}) h
      CROSS JOIN LATERAL (SELECT 1 FROM ${s}.memories m WHERE m.seq = h.seq AND ${visible}) v
      ORDER BY ${ORDERS.relevance}`;
  }
  return `SELECT h.seq, h.score FROM h JOIN ${s}.memories m ON m.seq = h.seq WHERE ${visible} ORDER BY ${ORDERS[order]}`;
}
