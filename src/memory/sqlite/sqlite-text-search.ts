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
/**
 * Matches ranked in the first page; each later page is four times larger. Most readers find
 * enough visible ones in the first, and a small page keeps SQLite's sorter and the rows handed
 * to JavaScript small (at 3,500 matches, 2.8 ms for 50 against 4.2 ms for 500).
 */
const FIRST_PAGE = 50;

/**
 * The FTS5 index of the memories (content and tags), written by the store inside its own
 * transactions (not by triggers, see migration 6), and searched: topic words become ranked
 * candidates of one namespace (a rowid range) with FTS5's BM25 (content weighted 1, tags 0.5).
 * Exact up to BROAD_MATCHES matches, where SQLite's sorter keeps only the page asked for;
 * bounded beyond.
 */
export class SqliteTextSearch {
  readonly #insert: Statement;
  readonly #delete: Statement;
  readonly #page: Statement;
  readonly #newestPage: Statement;
  readonly #newest: Statement;
  readonly #count: Statement;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare('INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM memories_fts WHERE rowid = ?');
    const matches = `SELECT rowid, -bm25(memories_fts, 1.0, 0.5) AS score FROM memories_fts
       WHERE memories_fts MATCH @match AND rowid BETWEEN @lo AND @hi`;
    const newest = `${matches} ORDER BY rowid DESC LIMIT ${BROAD_MATCHES}`;
    const page = 'ORDER BY score DESC, rowid DESC LIMIT @size OFFSET @offset';
    this.#page = db.prepare(`${matches} ${page}`);
    this.#newestPage = db.prepare(`SELECT rowid, score FROM (${newest}) ${page}`);
    this.#newest = db.prepare(newest);
    this.#count = db
      .prepare(
        `SELECT count(*) FROM (
           SELECT 1 FROM memories_fts WHERE memories_fts MATCH @match AND rowid BETWEEN @lo AND @hi LIMIT ${BROAD_MATCHES + 1})`,
      )
      .pluck();
  }

  /** Inside a write transaction: indexes a memory's content and tags (a JSON array). */
  add(rowid: number, content: string, tags: string): void {
    this.#insert.run(rowid, content, tags);
  }

  /** Inside a write transaction. */
  remove(rowid: number): void {
    this.#delete.run(rowid);
  }

  /**
   * Candidates best first, in pages; a reader stops pulling once it has enough. When every
   * match can be ranked, exact BM25 over all the words. When there are more, words matching at
   * most BROAD_MATCHES memories rank first (like stop words, very common words add little),
   * and only if more are wanted, the most recent matches of all the words; if every word is
   * that common, just the latter.
   */
  *candidates(range: RowidRange, words: readonly string[]): Generator<TextCandidate[]> {
    if (this.#countMatches(range, words) <= BROAD_MATCHES) {
      yield* this.#pages(this.#page, params(range, words));
      return;
    }
    // One word was just counted: it is the broad one, with nothing selective beside it.
    const selective =
      words.length === 1 ? [] : words.filter((word) => this.#countMatches(range, [word]) <= BROAD_MATCHES);
    const seen = new Set<number>();
    if (selective.length > 0) {
      for (const page of this.#pages(this.#page, params(range, selective))) {
        for (const c of page) seen.add(c.rowid);
        yield page;
      }
    }
    for (const page of this.#pages(this.#newestPage, params(range, words))) {
      const fresh = page.filter((c) => !seen.has(c.rowid));
      if (fresh.length > 0) yield fresh;
    }
  }

  /** Every match, unordered, for orders other than relevance (the newest BROAD_MATCHES if more). */
  all(range: RowidRange, words: readonly string[]): TextCandidate[] {
    return this.#newest.all(params(range, words)) as TextCandidate[];
  }

  *#pages(statement: Statement, query: ReturnType<typeof params>): Generator<TextCandidate[]> {
    for (let offset = 0, size = FIRST_PAGE; ; offset += size, size *= 4) {
      const page = statement.all({ ...query, offset, size }) as TextCandidate[];
      if (page.length > 0) yield page;
      if (page.length < size) return;
    }
  }

  #countMatches(range: RowidRange, words: readonly string[]): number {
    return this.#count.get(params(range, words)) as number;
  }
}

/** An FTS5 query matching any of the words, each quoted so FTS5 syntax in user text is taken literally. */
export function matchExpression(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' OR ');
}

function params(range: RowidRange, words: readonly string[]) {
  return { match: matchExpression(words), lo: range.lo, hi: range.hi };
}
