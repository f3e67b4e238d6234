import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../../errors.js';
import type { SqliteDatabase } from './database.js';

/** Rowids a namespace may use: 2^32 of them, so ids stay below 2^52, within JS's safe integers. */
const RANGE = 2 ** 32;
const MAX_NAMESPACES = 2 ** 20;

export interface RowidRange {
  lo: number;
  hi: number;
}

/**
 * Gives each namespace a contiguous block of memory rowids. FTS5 and the vector table
 * then reach a namespace with a rowid range — a seek — instead of intersecting with a
 * per-namespace token, whose document frequency BM25 would recount on every query.
 */
export class NamespaceRanges {
  readonly #find: Statement;
  readonly #create: Statement;
  readonly #next: Statement;
  readonly #ids = new Map<string, number>();

  constructor(db: SqliteDatabase) {
    this.#find = db.prepare('SELECT id FROM namespaces WHERE name = ?').pluck();
    this.#create = db.prepare('INSERT INTO namespaces (name) VALUES (?)');
    this.#next = db.prepare('SELECT max(rowid) FROM memories WHERE rowid BETWEEN ? AND ?').pluck();
  }

  /** The namespace's range, or undefined if nothing was ever stored in it. */
  find(namespace: string): RowidRange | undefined {
    let id = this.#ids.get(namespace);
    if (id === undefined) {
      id = this.#find.get(namespace) as number | undefined;
      if (id === undefined) return undefined;
      this.#ids.set(namespace, id);
    }
    return { lo: id * RANGE, hi: id * RANGE + RANGE - 1 };
  }

  /** The next free rowid of the namespace, creating the namespace if needed (inside a write transaction). */
  nextRowid(namespace: string): number {
    let range = this.find(namespace);
    if (!range) {
      const id = Number(this.#create.run(namespace).lastInsertRowid);
      if (id >= MAX_NAMESPACES)
        throw new ValidationError(`namespace: this database holds its maximum of ${MAX_NAMESPACES} namespaces`);
      this.#ids.set(namespace, id);
      range = { lo: id * RANGE, hi: id * RANGE + RANGE - 1 };
    }
    const last = (this.#next.get(range.lo, range.hi) as number | null) ?? range.lo;
    if (last >= range.hi) throw new ValidationError(`namespace '${namespace}' has used all of its ${RANGE} memory ids`);
    return last + 1;
  }

  /** Forgets cached ids (after a rolled-back transaction created one). */
  reset(): void {
    this.#ids.clear();
  }
}
