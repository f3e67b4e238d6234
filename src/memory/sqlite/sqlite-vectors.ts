import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../../errors.js';
import type { EmbeddingInput, PendingEmbedding } from '../store.js';
import { quantize, VectorIndex, type QuantizedVector } from '../vector-index.js';
import type { SqliteDatabase } from './database.js';

/**
 * The memory_vectors table and, per namespace, the in-process index built from it.
 * An index is loaded on the first k-NN query of its namespace; writes of this process
 * reach it when their transaction commits, writes of other processes on the next query
 * after SQLite's data_version says the file changed.
 */
export class SqliteVectors {
  readonly #db: SqliteDatabase;
  #dimensions: number;
  #embedderId: string;
  readonly #insert: Statement;
  readonly #markPending: Statement;
  readonly #pending: Statement;
  readonly #pendingIn: Statement;
  readonly #findPending: Statement;
  readonly #clearPending: Statement;
  readonly #load: Statement;
  readonly #countToLoad: Statement;
  readonly #indexes = new Map<string, { index: VectorIndex; loadedUpTo: number; own: Set<number> }>();
  #applyOnCommit: Array<(unseenForeignWrites: boolean) => void> = [];
  #dataVersion: number;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#dimensions = Number(
      db.prepare("SELECT value FROM store_meta WHERE key = 'embedder_dimensions'").pluck().get(),
    );
    this.#embedderId = this.#readEmbedderId();
    this.#markPending = db.prepare('INSERT OR IGNORE INTO pending_embeddings (rowid, namespace) VALUES (?, ?)');
    const pendingSql = (where: string) =>
      `SELECT m.id, m.content FROM pending_embeddings p CROSS JOIN memories m ON m.rowid = p.rowid
       ${where} ORDER BY p.rowid LIMIT ?`;
    this.#pending = db.prepare(pendingSql(''));
    this.#pendingIn = db.prepare(pendingSql('WHERE p.namespace = ?'));
    this.#findPending = db.prepare(
      'SELECT p.rowid, p.namespace FROM memories m CROSS JOIN pending_embeddings p ON p.rowid = m.rowid WHERE m.id = ?',
    );
    this.#clearPending = db.prepare('DELETE FROM pending_embeddings WHERE rowid = ?');
    this.#insert = db.prepare('INSERT INTO memory_vectors (rowid, namespace, scale, vector) VALUES (?, ?, ?, ?)');
    this.#load = db.prepare(
      'SELECT rowid, scale, vector FROM memory_vectors WHERE namespace = ? AND rowid > ? ORDER BY rowid',
    );
    this.#countToLoad = db.prepare('SELECT count(*) FROM memory_vectors WHERE namespace = ? AND rowid > ?').pluck();
    this.#dataVersion = this.#readDataVersion();
  }

  /** Inside a write transaction. */
  insert(namespace: string, rowid: number, vector: QuantizedVector): void {
    this.#checkDimensions(vector.values.length);
    this.#insert.run(
      rowid,
      namespace,
      vector.scale,
      Buffer.from(vector.values.buffer, vector.values.byteOffset, vector.values.byteLength),
    );
    this.#applyOnCommit.push((unseenForeignWrites) => {
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
    this.#applyOnCommit.push(() => void this.#indexes.get(namespace)?.index.remove(rowid));
  }

  /** Inside a write transaction: the memory's vector will be computed behind the write. */
  markPending(namespace: string, rowid: number): void {
    this.#markPending.run(rowid, namespace);
  }

  /** Memories still waiting for their vector, oldest first (of one namespace, or all). */
  pending(namespace: string | undefined, limit: number): PendingEmbedding[] {
    return (
      namespace === undefined ? this.#pending.all(limit) : this.#pendingIn.all(namespace, limit)
    ) as PendingEmbedding[];
  }

  /** Inside a write transaction: stores the vectors of pending memories; returns how many were still pending. */
  fill(items: readonly EmbeddingInput[]): number {
    let filled = 0;
    for (const { id, embedding } of items) {
      this.#checkDimensions(embedding.length);
      const row = this.#findPending.get(id) as { rowid: number; namespace: string } | undefined;
      if (!row) continue; // deleted meanwhile, or filled by another process
      this.insert(row.namespace, row.rowid, quantize(embedding));
      this.#clearPending.run(row.rowid);
      filled++;
    }
    return filled;
  }

  #checkDimensions(length: number): void {
    if (length !== this.#dimensions) {
      throw new ValidationError(
        `embedding: ${length} dimensions, but this database holds ${this.#dimensions}-dimensional vectors`,
      );
    }
  }

  commit(): void {
    if (this.#applyOnCommit.length === 0) return;
    const unseenForeignWrites = this.#readDataVersion() !== this.#dataVersion;
    for (const apply of this.#applyOnCommit) apply(unseenForeignWrites);
    this.#applyOnCommit = [];
  }

  rollback(): void {
    this.#applyOnCommit = [];
  }

  index(namespace: string): VectorIndex {
    const version = this.#readDataVersion();
    if (version !== this.#dataVersion) {
      const current = this.#readEmbedderId();
      if (current !== this.#embedderId) {
        throw new ValidationError(
          `embedder: the database was re-embedded with '${current}' after this process opened it with '${this.#embedderId}'; restart to use it`,
        );
      }
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

  /** After this process switched the database to another embedder: forget the old vectors. */
  reload(): void {
    this.#dimensions = Number(
      this.#db.prepare("SELECT value FROM store_meta WHERE key = 'embedder_dimensions'").pluck().get(),
    );
    this.#embedderId = this.#readEmbedderId();
    this.#dataVersion = this.#readDataVersion();
    this.#indexes.clear();
  }

  /** Loads rows committed since the last load, skipping those this process added itself. */
  #catchUp(namespace: string, loaded: { index: VectorIndex; loadedUpTo: number; own: Set<number> }): void {
    loaded.index.reserve(this.#countToLoad.get(namespace, loaded.loadedUpTo) as number);
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

  #readEmbedderId(): string {
    return String(this.#db.prepare("SELECT value FROM store_meta WHERE key = 'embedder_id'").pluck().get());
  }

  #readDataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }
}
