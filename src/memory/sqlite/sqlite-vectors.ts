import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../../errors.js';
import type { EmbeddingInput, PendingEmbedding } from '../store.js';
import { quantize, VectorIndex, type TimeWindow } from '../vector-index.js';
import type { SqliteDatabase } from './database.js';
import { SqliteVectorBlocks, type StoredBlock } from './sqlite-vector-blocks.js';

/**
 * Vectors not yet in a block before a write seals them into one (see sqlite-vector-blocks.ts):
 * a loading process reads and encodes at most this many one by one (~10 ms here).
 */
const BLOCK_MIN = 2048;

export interface Neighbour {
  rowid: number;
  /** Cosine similarity to the query, -1 to 1. */
  score: number;
}

/** A namespace's index and the highest seq of memory_vectors it holds. */
interface LoadedIndex {
  index: VectorIndex;
  seq: number;
}

/** What the open write transaction did to a namespace's vectors, applied once it commits. */
interface Staged {
  index: VectorIndex;
  /** The namespace's last seq before the transaction; its vectors follow. */
  before: number;
  last: number;
  removed: number[];
}

/**
 * The memory_vectors table (int8 vectors, each with a seq: its namespace's write order) and,
 * per namespace, the in-process index of their codes that k-NN scans for candidates, which
 * are then re-scored exactly from the int8 vectors. An index is loaded on the first k-NN
 * query of its namespace from its stored blocks and the few vectors written since; writes of
 * this process reach it when their transaction commits, writes of other processes on the
 * next query after SQLite's data_version says the file changed.
 */
export class SqliteVectors {
  readonly #db: SqliteDatabase;
  #dimensions: number;
  #embedderId: string;
  readonly #blocks: SqliteVectorBlocks;
  readonly #insert: Statement;
  readonly #lastSeq: Statement;
  readonly #saveSeq: Statement;
  readonly #markPending: Statement;
  readonly #pending: Statement;
  readonly #pendingIn: Statement;
  readonly #findPending: Statement;
  readonly #clearPending: Statement;
  readonly #since: Statement;
  readonly #exact: Statement;
  readonly #indexes = new Map<string, LoadedIndex>();
  readonly #staged = new Map<string, Staged>();
  /** Block writes a loading process left for when the database is free (see SqliteVectorBlocks). */
  #upkeep: Array<() => boolean> = [];
  #upkeepTimer: NodeJS.Timeout | undefined;
  #dataVersion: number;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#dimensions = this.#readDimensions();
    this.#embedderId = this.#readEmbedderId();
    this.#blocks = new SqliteVectorBlocks(db);
    this.#markPending = db.prepare('INSERT OR IGNORE INTO pending_embeddings (rowid, namespace) VALUES (?, ?)');
    const pendingSql = (where: string) =>
      `SELECT m.id, m.content FROM pending_embeddings p CROSS JOIN memories m ON m.rowid = p.rowid
       ${where} ORDER BY p.rowid LIMIT ?`;
    this.#pending = db.prepare(pendingSql(''));
    this.#pendingIn = db.prepare(pendingSql('WHERE p.namespace = ?'));
    this.#findPending = db.prepare(
      `SELECT p.rowid, p.namespace, m.created_at AS createdAt
       FROM memories m CROSS JOIN pending_embeddings p ON p.rowid = m.rowid WHERE m.id = ?`,
    );
    this.#clearPending = db.prepare('DELETE FROM pending_embeddings WHERE rowid = ?');
    this.#insert = db.prepare(
      'INSERT INTO memory_vectors (rowid, namespace, seq, scale, vector) VALUES (?, ?, ?, ?, ?)',
    );
    this.#lastSeq = db.prepare('SELECT last_seq FROM vector_sequences WHERE namespace = ?').pluck();
    this.#saveSeq = db.prepare(
      `INSERT INTO vector_sequences (namespace, last_seq) VALUES (?, ?)
       ON CONFLICT (namespace) DO UPDATE SET last_seq = excluded.last_seq`,
    );
    this.#since = db
      .prepare(
        `SELECT v.rowid, v.seq, v.vector, m.created_at FROM memory_vectors v
         CROSS JOIN memories m ON m.rowid = v.rowid
         WHERE v.namespace = ? AND v.seq > ? AND v.seq <= ? ORDER BY v.seq`,
      )
      .raw();
    this.#exact = db
      .prepare('SELECT rowid, scale, vector FROM memory_vectors WHERE rowid IN (SELECT value FROM json_each(?))')
      .raw();
    this.#dataVersion = this.#readDataVersion();
  }

  /** Inside a write transaction. */
  insert(namespace: string, rowid: number, embedding: Float32Array, createdAt: number): void {
    this.#checkDimensions(embedding.length);
    const { values, scale } = quantize(embedding);
    const staged = this.#stage(namespace);
    const vector = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    this.#insert.run(rowid, namespace, ++staged.last, scale, vector);
    staged.index.add(rowid, createdAt, embedding);
  }

  /** Inside a write transaction (the row itself goes with its memory, by cascade). */
  remove(namespace: string, rowid: number): void {
    const staged = this.#stage(namespace);
    if (!staged.index.remove(rowid)) staged.removed.push(rowid);
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
      const row = this.#findPending.get(id) as { rowid: number; namespace: string; createdAt: number } | undefined;
      if (!row) continue; // deleted meanwhile, or filled by another process
      this.insert(row.namespace, row.rowid, embedding, row.createdAt);
      this.#clearPending.run(row.rowid);
      filled++;
    }
    return filled;
  }

  /**
   * Inside the write transaction, last: records each namespace's last seq, and seals its
   * vectors not yet in a block into one once there are BLOCK_MIN of them.
   */
  beforeCommit(): void {
    for (const [namespace, staged] of this.#staged) {
      if (staged.last === staged.before) continue;
      this.#saveSeq.run(namespace, staged.last);
      const sealed = this.#blocks.lastSealed(namespace);
      if (staged.last - sealed < BLOCK_MIN) continue;
      // Those written before this transaction, then this transaction's own, already encoded.
      const earlier = new VectorIndex(this.#dimensions);
      this.#readSince(namespace, sealed, staged.before, earlier);
      this.#blocks.insert(namespace, sealed + 1, staged.last, VectorIndex.toBlock(earlier, staged.index));
    }
  }

  commit(): void {
    for (const [namespace, staged] of this.#staged) {
      const loaded = this.#indexes.get(namespace);
      if (!loaded) continue;
      // Other processes' vectors committed before this transaction's and not loaded yet come first.
      if (loaded.seq < staged.before) loaded.seq = this.#readSince(namespace, loaded.seq, staged.before, loaded.index);
      for (const rowid of staged.removed) loaded.index.remove(rowid);
      loaded.index.adopt(staged.index);
      loaded.seq = Math.max(loaded.seq, staged.last);
    }
    this.#staged.clear();
  }

  rollback(): void {
    this.#staged.clear();
  }

  /**
   * The `shortlist` vectors of the namespace (created inside `window`) whose codes estimate
   * them closest to `query`, re-scored exactly from their int8 vectors, best first.
   * `exhausted` when the window holds no more.
   */
  nearest(
    namespace: string,
    query: Float32Array,
    shortlist: number,
    window: TimeWindow,
  ): { neighbours: Neighbour[]; exhausted: boolean } {
    const index = this.#current(namespace);
    const candidates = index.search(query, shortlist, window);
    const stored = new Map<number, [number, Buffer]>();
    for (const [rowid, scale, vector] of this.#exact.iterate(
      JSON.stringify(candidates.map((c) => c.rowid)),
    ) as Iterable<[number, number, Buffer]>) {
      stored.set(rowid, [scale, vector]);
    }
    let norm = 0;
    for (const v of query) norm += v * v;
    const inverseNorm = 1 / Math.sqrt(norm);
    const neighbours: Neighbour[] = [];
    const gone: number[] = [];
    const seen = new Set<number>();
    for (const { rowid, slot } of candidates) {
      const found = stored.get(rowid);
      // Deleted by another process since the index heard of it.
      if (!found) gone.push(slot);
      // A rowid the index holds twice (another process deleted it, then reused it) counts once.
      if (!found || seen.has(rowid)) continue;
      seen.add(rowid);
      const [scale, vector] = found;
      let dot = 0;
      for (let d = 0; d < vector.length; d++) dot += query[d]! * ((vector[d]! << 24) >> 24);
      neighbours.push({ rowid, score: dot * scale * inverseNorm });
    }
    index.removeSlots(gone);
    neighbours.sort((a, b) => b.score - a.score);
    return { neighbours, exhausted: candidates.length < shortlist };
  }

  /**
   * Loads the namespace's index and scans it once, so V8 has optimised the scan before the
   * first real search (a first scan runs several times slower).
   */
  warm(namespace: string): void {
    const index = this.#current(namespace);
    index.search(new Float32Array(this.#dimensions).fill(1), 1);
  }

  /** Stops upkeep, trying what is left once. */
  close(): void {
    clearTimeout(this.#upkeepTimer);
    this.#runUpkeep();
    this.#indexes.clear();
  }

  /** After this process switched the database to another embedder: forget the old vectors. */
  reload(): void {
    this.#dimensions = this.#readDimensions();
    this.#embedderId = this.#readEmbedderId();
    this.#dataVersion = this.#readDataVersion();
    this.#indexes.clear();
    this.#upkeep = [];
  }

  /** The namespace's index, loaded if needed, with every vector other processes committed since. */
  #current(namespace: string): VectorIndex {
    const version = this.#readDataVersion();
    if (version !== this.#dataVersion) {
      const current = this.#readEmbedderId();
      if (current !== this.#embedderId) {
        throw new ValidationError(
          `embedder: the database was re-embedded with '${current}' after this process opened it with '${this.#embedderId}'; restart to use it`,
        );
      }
      this.#dataVersion = version;
      for (const [name, loaded] of this.#indexes) {
        loaded.seq = this.#readSince(name, loaded.seq, Infinity, loaded.index);
      }
    }
    let loaded = this.#indexes.get(namespace);
    if (!loaded) {
      loaded = this.#load(namespace);
      this.#indexes.set(namespace, loaded);
    }
    return loaded.index;
  }

  /**
   * The stored blocks (one read), less the vectors deleted since they were written, then the
   * vectors written after the last one. What it had to work out is written back later.
   */
  #load(namespace: string): LoadedIndex {
    const index = new VectorIndex(this.#dimensions);
    let seq = 0;
    for (const block of this.#blocks.read(namespace)) {
      const rowids = index.addBlock(block.data, block.count);
      seq = block.lastSeq;
      if (block.live < block.count) this.#dropDeleted(namespace, index, block, rowids);
    }
    const tail = new VectorIndex(this.#dimensions);
    const last = this.#readSince(namespace, seq, Infinity, tail);
    if (tail.size >= BLOCK_MIN) {
      // A database from before blocks: sealed once, so the next process reads it in one go.
      const block = VectorIndex.toBlock(tail);
      index.addBlock(block.data, block.count);
      this.#later(() => this.#blocks.trySeal(namespace, seq + 1, last, block));
    } else {
      index.adopt(tail);
    }
    return { index, seq: last };
  }

  #dropDeleted(namespace: string, index: VectorIndex, block: StoredBlock, rowids: Float64Array): void {
    const rewritten = index.retain(rowids, this.#blocks.liveRowids(namespace, block));
    this.#later(() => this.#blocks.tryReplace(namespace, block.firstSeq, rewritten));
  }

  /** Adds the vectors with a seq in (after, upTo] to `index`; returns the last seq read (or `after`). */
  #readSince(namespace: string, after: number, upTo: number, index: VectorIndex): number {
    let last = after;
    for (const [rowid, seq, vector, createdAt] of this.#since.iterate(
      namespace,
      after,
      upTo === Infinity ? Number.MAX_SAFE_INTEGER : upTo,
    ) as Iterable<[number, number, Buffer, number]>) {
      index.add(rowid, createdAt, new Int8Array(vector.buffer, vector.byteOffset, vector.byteLength));
      last = seq;
    }
    return last;
  }

  /** This transaction's record of a namespace's vectors, starting it at the namespace's last seq. */
  #stage(namespace: string): Staged {
    let staged = this.#staged.get(namespace);
    if (!staged) {
      const before = (this.#lastSeq.get(namespace) as number | undefined) ?? 0;
      staged = { index: new VectorIndex(this.#dimensions), before, last: before, removed: [] };
      this.#staged.set(namespace, staged);
    }
    return staged;
  }

  /** Upkeep for when no other process holds the write lock: tried soon, then less often while busy. */
  #later(write: () => boolean): void {
    this.#upkeep.push(write);
    this.#scheduleUpkeep(UPKEEP_DELAY_MS);
  }

  #scheduleUpkeep(delay: number): void {
    if (this.#upkeepTimer !== undefined || this.#upkeep.length === 0) return;
    this.#upkeepTimer = setTimeout(() => {
      this.#upkeepTimer = undefined;
      this.#runUpkeep();
      this.#scheduleUpkeep(Math.min(delay * 2, UPKEEP_MAX_DELAY_MS));
    }, delay).unref();
  }

  #runUpkeep(): void {
    this.#upkeep = this.#upkeep.filter((write) => {
      try {
        return !write();
      } catch {
        return false; // dropped: the next process to load the namespace works it out again
      }
    });
  }

  #checkDimensions(length: number): void {
    if (length !== this.#dimensions) {
      throw new ValidationError(
        `embedding: ${length} dimensions, but this database holds ${this.#dimensions}-dimensional vectors`,
      );
    }
  }

  #readDimensions(): number {
    return Number(this.#db.prepare("SELECT value FROM store_meta WHERE key = 'embedder_dimensions'").pluck().get());
  }

  #readEmbedderId(): string {
    return String(this.#db.prepare("SELECT value FROM store_meta WHERE key = 'embedder_id'").pluck().get());
  }

  #readDataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }
}

/** Block upkeep waits this long after a load, so the search that loaded answers first. */
const UPKEEP_DELAY_MS = 50;
const UPKEEP_MAX_DELAY_MS = 10_000;
