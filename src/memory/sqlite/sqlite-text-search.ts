import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import type { RowidRange } from './namespace-ranges.js';

export interface TextCandidate {
  rowid: number;
  /** BM25 relevance (higher is better) within the query that found it. */
  score: number;
}

/**
 * Up to this many matches a query is ranked exactly. FTS5 computes BM25 for every match (about
 * 1.4 µs each here), so beyond this a query is "broad" and only this many are ranked (see
 * candidates()): at 100,000 memories a word in a third of them would otherwise cost 48 ms.
 */
export const BROAD_MATCHES = 5000;
/** Matches ranked per page; a reader that finds enough visible ones on the first asks no more. */
const PAGE = 500;

/**
 * Turns topic words into ranked candidates of one namespace (a rowid range) with FTS5's BM25
 * (content weighted 1, tags 0.5). Exact up to BROAD_MATCHES matches, where SQLite's sorter
 * keeps only the page asked for; bounded beyond.
 */
export class SqliteTextSearch {
  readonly #page: Statement;
  readonly #newest: Statement;
  readonly #count: Statement;

  constructor(db: SqliteDatabase) {
    const matches = `SELECT rowid, -bm25(memories_fts, 1.0, 0.5) AS score FROM memories_fts
       WHERE memories_fts MATCH @match AND rowid BETWEEN @lo AND @hi`;
    this.#page = db.prepare(`${matches} ORDER BY score DESC, rowid DESC LIMIT ${PAGE} OFFSET @offset`);
    this.#newest = db.prepare(`${matches} ORDER BY rowid DESC LIMIT ${BROAD_MATCHES}`);
    this.#count = db
      .prepare(
        `SELECT count(*) FROM (
           SELECT 1 FROM memories_fts WHERE memories_fts MATCH @match AND rowid BETWEEN @lo AND @hi LIMIT ${BROAD_MATCHES + 1})`,
      )
      .pluck();
  }

  /**
   * Candidates best first, in groups; a reader stops pulling once it has enough. When every
   * match can be ranked, exact BM25 over all the words, a page at a time. When there are more,
   * words matching at most BROAD_MATCHES memories rank first (like stop words, very common
   * words add little), and only if more are wanted, the most recent matches of all the words;
   * if every word is that common, just the latter.
   */
  *candidates(range: RowidRange, words: readonly string[]): Generator<TextCandidate[]> {
    // Most queries match less than a page: ranking it is also the count.
    const first = this.#page.all({ ...params(range, words), offset: 0 }) as TextCandidate[];
    if (first.length < PAGE || this.#countMatches(range, words) <= BROAD_MATCHES) {
      if (first.length > 0) yield first;
      if (first.length === PAGE) yield* this.#ranked(range, words, PAGE);
      return;
    }
    const selective = words.filter((word) => this.#countMatches(range, [word]) <= BROAD_MATCHES);
    const seen = new Set<number>();
    if (selective.length > 0) {
      for (const page of this.#ranked(range, selective)) {
        for (const c of page) seen.add(c.rowid);
        yield page;
      }
    }
    const newest = this.#newest.all(params(range, words)) as TextCandidate[];
    yield newest.filter((c) => !seen.has(c.rowid)).sort((a, b) => b.score - a.score);
  }

  /** Every match, unordered, for orders other than relevance (the newest BROAD_MATCHES if more). */
  all(range: RowidRange, words: readonly string[]): TextCandidate[] {
    return this.#newest.all(params(range, words)) as TextCandidate[];
  }

  *#ranked(range: RowidRange, words: readonly string[], from = 0): Generator<TextCandidate[]> {
    for (let offset = from; ; offset += PAGE) {
      const page = this.#page.all({ ...params(range, words), offset }) as TextCandidate[];
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
    }
  }

  #countMatches(range: RowidRange, words: readonly string[]): number {
    return this.#count.get(params(range, words)) as number;
  }
}

/** Each word quoted, so FTS5 syntax in user text is taken literally; any word counts. */
function params(range: RowidRange, words: readonly string[]) {
  return { match: words.map((w) => `"${w}"`).join(' OR '), lo: range.lo, hi: range.hi };
}
