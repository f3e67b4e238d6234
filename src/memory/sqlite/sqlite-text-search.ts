import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import type { RowidRange } from './namespace-ranges.js';

export interface TextCandidate {
  rowid: number;
  /** BM25 relevance (higher is better) within the query that found it. */
  score: number;
}

/**
 * Above this many matches a query is "broad": ranking all of them would cost time in
 * proportion to the namespace's size, so only this many are ranked (see candidates()).
 */
export const BROAD_MATCHES = 2000;

/**
 * Turns topic words into ranked candidates of one namespace (a rowid range) with FTS5.
 * Costs are bounded: a query never ranks more than a few thousand rows however large the
 * namespace grows.
 */
export class SqliteTextSearch {
  readonly #ranked: Statement;
  readonly #count: Statement;

  constructor(db: SqliteDatabase) {
    // Newest matches first, so a broad query ranks the most recent ones.
    this.#ranked = db.prepare(
      `SELECT rowid, -bm25(memories_fts, 1.0, 0.5) AS score FROM memories_fts
       WHERE memories_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ${BROAD_MATCHES}`,
    );
    this.#count = db
      .prepare(
        `SELECT count(*) FROM (
           SELECT 1 FROM memories_fts WHERE memories_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ${BROAD_MATCHES})`,
      )
      .pluck();
  }

  /**
   * Candidates best first, in groups; a reader stops pulling once it has enough. When
   * every match can be ranked, this is one group: exact BM25 over all the words. When there
   * are more, words matching fewer than BROAD_MATCHES memories rank first (like stop words,
   * very common words add little), and only if more are wanted, the most recent matches of
   * all the words; if every word is that common, just the latter.
   */
  *candidates(range: RowidRange, words: readonly string[]): Generator<TextCandidate[]> {
    if (this.#countMatches(range, words) < BROAD_MATCHES) {
      yield this.#rank(range, words);
      return;
    }
    const selective = words.filter((word) => this.#countMatches(range, [word]) < BROAD_MATCHES);
    const rare = selective.length > 0 ? this.#rank(range, selective) : [];
    if (rare.length > 0) yield rare;
    const seen = new Set(rare.map((c) => c.rowid));
    yield this.#rank(range, words).filter((c) => !seen.has(c.rowid));
  }

  #countMatches(range: RowidRange, words: readonly string[]): number {
    return this.#count.get(matchExpression(words), range.lo, range.hi) as number;
  }

  #rank(range: RowidRange, words: readonly string[]): TextCandidate[] {
    const ranked = this.#ranked.all(matchExpression(words), range.lo, range.hi) as TextCandidate[];
    return ranked.sort((a, b) => b.score - a.score);
  }
}

/** Each word quoted, so FTS5 syntax in user text is taken literally; any word counts. */
function matchExpression(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' OR ');
}
