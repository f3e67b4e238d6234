import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';

/** Statements prepared once per distinct SQL text and reused. */
export class Statements {
  readonly #db: SqliteDatabase;
  readonly #prepared = new Map<string, Statement>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  get(sql: string): Statement {
    let statement = this.#prepared.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#prepared.set(sql, statement);
    }
    return statement;
  }

  clear(): void {
    this.#prepared.clear();
  }
}
