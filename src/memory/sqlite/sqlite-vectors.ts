import type { Statement } from 'better-sqlite3';
import { VectorIndex, type QuantizedVector } from '../vector-index.js';
import type { SqliteDatabase } from './database.js';

/**
 * The memory_vectors table and, per namespace, the in-process index built from it.
 * An index is loaded on the first k-NN query of its namespace; writes of this process
 * reach it when their transaction commits, writes of other processes on the next query
 * after SQLite's data_version says the file changed.
 */
export class SqliteVectors {
  readonly #db: SqliteDatabase;
  readonly #dimensions: number;
  readonly #insert: Statement;
  readonly #load: Statement;
  readonly #indexes = new Map<string, { index: VectorIndex; loadedUpTo: number; own: Set<number> }>();
  #pending: Array<(unseenForeignWrites: boolean) => void> = [];
  #dataVersion: number;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#dimensions = Number(
      db.prepare("SELECT value FROM store_meta WHERE key = 'embedder_dimensions'").pluck().get(),
    );
    this.#insert = db.prepare('INSERT INTO memory_vectors (rowid, namespace, scale, vector) VALUES (?, ?, ?, ?)');
    this.#load = db.prepare(
      'SELECT rowid, scale, vector FROM memory_vectors WHERE namespace = ? AND rowid > ? ORDER BY rowid',
    );
    this.#dataVersion = this.#readDataVersion();
  }

  /** Inside a write transaction. */
  insert(namespace: string, rowid: number, vector: QuantizedVector): void {
    this.#insert.run(
      rowid,
      namespace,
      vector.scale,
      Buffer.from(vector.values.buffer, vector.values.byteOffset, vector.values.byteLength),
    );
    this.#pending.push((unseenForeignWrites) => {
      const loaded = this.#indexes.get(namespace);
      if (!loaded) return;
      loaded.index.add(rowid, vector);
      // With no other writer since the last load, everything up to this row is loaded;
      // otherwise remember the row, so catching up does not add it twice.
      if (unseenForeignWrites) loaded.own.add(rowid);
      else loaded.loadedUpTo = Math.max(loaded.loadedUpTo, rowid);
    });
  }

  /** Inside a write transaction (the row itself goes with its memory, by cascade). */
  remove(namespace: string, rowid: number): void {
    this.#pending.push(() => void this.#indexes.get(namespace)?.index.remove(rowid));
  }

  commit(): void {
    if (this.#pending.length === 0) return;
    const unseenForeignWrites = this.#readDataVersion() !== this.#dataVersion;
    for (const apply of this.#pending) apply(unseenForeignWrites);
    this.#pending = [];
  }

  rollback(): void {
    this.#pending = [];
  }

  index(namespace: string): VectorIndex {
    const version = this.#readDataVersion();
    if (version !== this.#dataVersion) {
      this.#dataVersion = version;
      for (const [name, loaded] of this.#indexes) this.#catchUp(name, loaded);
    }
    let loaded = this.#indexes.get(namespace);
    if (!loaded) {
      loaded = { index: new VectorIndex(this.#dimensions), loadedUpTo: 0, own: new Set() };
      this.#catchUp(namespace, loaded);
      this.#indexes.set(namespace, loaded);
    }
    return loaded.index;
  }

  clear(): void {
    this.#indexes.clear();
  }

  /** Loads rows committed since the last load, skipping those this process added itself. */
  #catchUp(namespace: string, loaded: { index: VectorIndex; loadedUpTo: number; own: Set<number> }): void {
    for (const row of this.#load.iterate(namespace, loaded.loadedUpTo) as Iterable<{
      rowid: number;
      scale: number;
      vector: Buffer;
    }>) {
      loaded.loadedUpTo = row.rowid;
      if (loaded.own.has(row.rowid)) continue;
      loaded.index.add(row.rowid, {
        values: new Int8Array(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength),
        scale: row.scale,
      });
    }
    loaded.own.clear();
  }

  #readDataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }
}
