import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import type { RowidRange } from './namespace-ranges.js';

export interface TextCandidate {
  rowid: number;
  /** BM25 relevance (higher is better). */
  score: number;
}

/** Matches ranked per page; a reader that finds enough visible ones on the first asks no more. */
const PAGE = 500;

/**
 * Turns topic words into ranked candidates of one namespace (a rowid range) with FTS5's
 * BM25 (content weighted 1, tags 0.5). Ranking is exact: FTS5 scores every match in C and
 * SQLite's sorter keeps only the page asked for, so no row is built, fetched or sorted in
 * JavaScript beyond that page.
 */
export class SqliteTextSearch {
  readonly #page: Statement;
  readonly #all: Statement;

  constructor(db: SqliteDatabase) {
    const matches = `SELECT rowid, -bm25(memories_fts, 1.0, 0.5) AS score FROM memories_fts
       WHERE memories_fts MATCH @match AND rowid BETWEEN @lo AND @hi`;
    this.#page = db.prepare(`${matches} ORDER BY score DESC, rowid DESC LIMIT ${PAGE} OFFSET @offset`);
    this.#all = db.prepare(matches);
  }

  /** Every match, best first, a page at a time. */
  *ranked(range: RowidRange, words: readonly string[]): Generator<TextCandidate[]> {
    for (let offset = 0; ; offset += PAGE) {
      const page = this.#page.all({
        match: matchExpression(words),
        lo: range.lo,
        hi: range.hi,
        offset,
      }) as TextCandidate[];
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
    }
  }

  /** Every match unordered, for orders other than relevance. */
  all(range: RowidRange, words: readonly string[]): TextCandidate[] {
    return this.#all.all({ match: matchExpression(words), lo: range.lo, hi: range.hi }) as TextCandidate[];
  }
}

/** Each word quoted, so FTS5 syntax in user text is taken literally; any word counts. */
function matchExpression(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' OR ');
}
