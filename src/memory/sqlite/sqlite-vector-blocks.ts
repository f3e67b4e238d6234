import type { Statement } from 'better-sqlite3';
import { CODE_LAYOUT } from '../vector-codes.js';
import { VectorIndex } from '../vector-index.js';
import type { SqliteDatabase } from './database.js';

/**
 * Bytes a stored block holds at most. Under glibc's 128 KiB mmap threshold: reading or writing
 * a larger blob makes SQLite free a mapped chunk, which raises the threshold for good, and heap
 * freed later stays resident (one 8 MB block at 100,000 vectors: ~5 MiB more, measured).
 */
const BLOCK_BYTES_AT_MOST = 120 * 1024;

/** A stored block: the codes of a namespace's vectors whose seq is in [firstSeq, lastSeq]. */
export interface StoredBlock {
  firstSeq: number;
  lastSeq: number;
  /** Vectors in the block when it was written. */
  count: number;
  /** Vectors of its seq range still in memory_vectors: fewer when some were deleted since. */
  live: number;
  data: Buffer;
}

/**
 * The vector_blocks table: each namespace's vector codes (see vector-index.ts) in blocks of
 * consecutive seqs, so a process loads a namespace's index with one read instead of reading
 * and encoding every vector (1.5–4 s at 100,000 here). Blocks are appended as vectors are
 * written and never cover a seq twice; a block whose vectors were since deleted is
 * rewritten without them by the next process that loads it.
 */
export class SqliteVectorBlocks {
  readonly #db: SqliteDatabase;
  readonly #read: Statement;
  readonly #lastSealed: Statement;
  readonly #insert: Statement;
  readonly #replace: Statement;
  readonly #dropOtherLayouts: Statement;
  readonly #liveRowids: Statement;
  readonly #seqOf: Statement;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#read = db.prepare(
      `SELECT first_seq AS firstSeq, last_seq AS lastSeq, count, data,
         (SELECT count(*) FROM memory_vectors v WHERE v.namespace = b.namespace
            AND v.seq BETWEEN b.first_seq AND b.last_seq) AS live
       FROM vector_blocks b WHERE namespace = ? AND layout = ${CODE_LAYOUT} ORDER BY first_seq`,
    );
    this.#lastSealed = db
      .prepare(`SELECT max(last_seq) FROM vector_blocks WHERE namespace = ? AND layout = ${CODE_LAYOUT}`)
      .pluck();
    this.#insert = db.prepare(
      `INSERT INTO vector_blocks (namespace, first_seq, last_seq, layout, count, data)
       VALUES (?, ?, ?, ${CODE_LAYOUT}, ?, ?)`,
    );
    this.#replace = db.prepare(
      `UPDATE vector_blocks SET count = ?, data = ? WHERE namespace = ? AND first_seq = ? AND layout = ${CODE_LAYOUT}`,
    );
    this.#dropOtherLayouts = db.prepare(`DELETE FROM vector_blocks WHERE namespace = ? AND layout <> ${CODE_LAYOUT}`);
    this.#seqOf = db.prepare('SELECT seq FROM memory_vectors WHERE rowid = ?').pluck();
    this.#liveRowids = db
      .prepare('SELECT rowid FROM memory_vectors WHERE namespace = ? AND seq BETWEEN ? AND ?')
      .pluck();
  }

  /** The namespace's blocks, oldest first. */
  read(namespace: string): StoredBlock[] {
    return this.#read.all(namespace) as StoredBlock[];
  }

  /** The highest seq in a block (0 if none): later vectors are read from memory_vectors. */
  lastSealed(namespace: string): number {
    return (this.#lastSealed.get(namespace) as number | null) ?? 0;
  }

  /** Inside a write transaction: as several blocks of at most BLOCK_BYTES_AT_MOST, seqs in order. */
  insert(namespace: string, firstSeq: number, lastSeq: number, block: { data: Uint8Array; count: number }): void {
    // Blocks of another code layout (an older version's) are ignored by reads and would hold these seqs.
    this.#dropOtherLayouts.run(namespace);
    const parts = VectorIndex.splitBlock(block, BLOCK_BYTES_AT_MOST);
    let first = firstSeq;
    for (const [i, part] of parts.entries()) {
      const next = parts[i + 1];
      const last = next ? this.#seqBefore(next.firstRowid) : lastSeq;
      this.#insert.run(namespace, first, last, part.count, part.data);
      first = last + 1;
    }
  }

  /** The seq just before the vector of `rowid`: where a block ends when the next one starts there. */
  #seqBefore(rowid: number): number {
    const seq = this.#seqOf.get(rowid) as number | undefined;
    // Blocks hold stored vectors only; a missing one would leave a gap, so the write is refused.
    if (seq === undefined) throw new Error(`vector block: no stored vector for rowid ${rowid}`);
    return seq - 1;
  }

  /** The rowids of the vectors of a block's seq range still stored. */
  liveRowids(namespace: string, block: StoredBlock): Set<number> {
    return new Set(this.#liveRowids.all(namespace, block.firstSeq, block.lastSeq) as number[]);
  }

  /**
   * Seals a block read from memory_vectors by a loading process, in its own write transaction,
   * unless another process sealed that range meanwhile. False if the database was busy.
   */
  trySeal(namespace: string, firstSeq: number, lastSeq: number, block: { data: Uint8Array; count: number }): boolean {
    return this.#tryWrite(() => {
      if (this.lastSealed(namespace) < firstSeq) this.insert(namespace, firstSeq, lastSeq, block);
    });
  }

  /** Rewrites a block without its deleted vectors, in its own write transaction. False if busy. */
  tryReplace(namespace: string, firstSeq: number, block: { data: Uint8Array; count: number }): boolean {
    return this.#tryWrite(() => this.#replace.run(block.count, block.data, namespace, firstSeq));
  }

  /**
   * Upkeep that can wait: done only if no other process holds the write lock now, so a
   * search never waits for another process's import.
   */
  #tryWrite(write: () => void): boolean {
    const busyTimeout = this.#db.pragma('busy_timeout', { simple: true }) as number;
    this.#db.pragma('busy_timeout = 0');
    try {
      this.#db.transaction(write).immediate();
      return true;
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return false;
      throw error;
    } finally {
      this.#db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }
}
