import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import type { RowidRange } from './namespace-ranges.js';
import type { Scope, SearchQuery } from '../store.js';
import { SqliteTextIndexes } from './sqlite-text-index.js';

export interface TextCandidate {
  rowid: number;
  /** BM25 relevance (higher is better) within the query that found it. */
  score: number;
}

/**
 * Matches ranked in the first page; each later page is four times larger. Most readers find
 * enough visible ones in the first, and a small page keeps SQLite's sorter and the rows handed
 * to JavaScript small (at 3,500 matches, 2.8 ms for 50 against 4.2 ms for 500).
 */
const FIRST_PAGE = 50;

/** Changes kept in memory_text_changes: a process further behind builds its index anew. */
const CHANGES_KEPT = 10_000;
/** Every this many changes, the older ones are dropped. */
const TRIM_EVERY = 1000;

/**
 * The FTS5 index of the memories (content and tags), written by the store inside its own
 * transactions (not by triggers, see migrations 6 and 9) with a row in memory_text_changes
 * for each change, from which every process's in-process index (sqlite-text-index.ts) catches
 * up; and searched while a namespace's in-process index is still being built: topic words
 * become ranked candidates of one namespace (a rowid range) with FTS5's BM25 (content weighted
 * 1, tags 0.5), exact, though FTS5 scores every match to find them (~1.4 µs each here).
 */
export class SqliteTextSearch {
  readonly #insert: Statement;
  readonly #delete: Statement;
  readonly #logChange: Statement;
  readonly #trimChanges: Statement;
  readonly #page: Statement;
  readonly #all: Statement;
  readonly #indexes: SqliteTextIndexes;

  constructor(db: SqliteDatabase) {
    this.#indexes = new SqliteTextIndexes(db);
    this.#insert = db.prepare('INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM memories_fts WHERE rowid = ?');
    this.#logChange = db.prepare('INSERT INTO memory_text_changes (memory_rowid) VALUES (?)');
    this.#trimChanges = db.prepare('DELETE FROM memory_text_changes WHERE seq <= ?');
    const matches = `SELECT rowid, -bm25(memories_fts, 1.0, 0.5) AS score FROM memories_fts
       WHERE memories_fts MATCH @match AND rowid BETWEEN @lo AND @hi`;
    this.#page = db.prepare(`${matches} ORDER BY score DESC, rowid DESC LIMIT @size OFFSET @offset`);
    this.#all = db.prepare(matches);
  }

  /** Inside a write transaction: indexes a memory's content and tags (a JSON array). */
  add(rowid: number, content: string, tags: string): void {
    this.#insert.run(rowid, content, tags);
    this.changed(rowid);
  }

  /** Inside a write transaction. */
  remove(rowid: number): void {
    this.#delete.run(rowid);
    this.changed(rowid);
  }

  /**
   * Inside a write transaction: what an in-process index keeps of a memory changed (its
   * access level, importance, …; add and remove say so themselves).
   */
  changed(rowid: number): void {
    const seq = Number(this.#logChange.run(rowid).lastInsertRowid);
    if (seq % TRIM_EVERY === 0) this.#trimChanges.run(seq - CHANGES_KEPT);
  }

  /**
   * Candidates in the query's order (by relevance: best first, in pages a reader stops pulling
   * once it has enough; otherwise every match, for the store to order), from the namespace's
   * in-process index once it is current, from FTS5 until then.
   */
  candidates(scope: Scope, query: SearchQuery, range: RowidRange, words: readonly string[]): Iterable<TextCandidate[]> {
    const relevance = (query.orderBy ?? 'relevance') === 'relevance';
    const index = this.#indexes.current(scope.namespace, range);
    if (!index)
      return relevance ? this.#ftsPages(range, words) : [this.#all.all(params(range, words)) as TextCandidate[]];
    const filter = this.#indexes.filter(scope.namespace, scope.admin ? null : scope.agentId, query);
    return relevance
      ? this.#indexes.ranked(index, words, filter, query.limit + 2)
      : [this.#indexes.all(index, words, filter)];
  }

  /** Starts building the namespace's in-process index (at once if small, else in the background). */
  warm(namespace: string, range: RowidRange): void {
    this.#indexes.current(namespace, range);
  }

  close(): void {
    this.#indexes.close();
  }

  *#ftsPages(range: RowidRange, words: readonly string[]): Generator<TextCandidate[]> {
    const query = params(range, words);
    for (let offset = 0, size = FIRST_PAGE; ; offset += size, size *= 4) {
      const page = this.#page.all({ ...query, offset, size }) as TextCandidate[];
      if (page.length > 0) yield page;
      if (page.length < size) return;
    }
  }
}

/** An FTS5 query matching any of the words, each quoted so FTS5 syntax in user text is taken literally. */
export function matchExpression(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' OR ');
}

function params(range: RowidRange, words: readonly string[]) {
  return { match: matchExpression(words), lo: range.lo, hi: range.hi };
}
