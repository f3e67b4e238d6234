import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import type { MemoryRow } from './rows.js';

/** How long reads are counted in memory before they are written, in one transaction. */
export const ACCESS_FLUSH_MS = 250;

/**
 * The reads of memories (access_count, accessed_at), counted in process and written a moment
 * later in one transaction, or with the next write, or at close. A search thus stays a read:
 * it never waits for the write lock another process may hold, and costs no commit. Rows this
 * process returns include its unwritten reads; other processes see them once written.
 */
export class AccessCounts {
  readonly #update: Statement;
  readonly #flush: () => void;
  /** rowid → reads not yet written, and when the last one happened. */
  #pending = new Map<number, { reads: number; at: number }>();
  /** What the open write transaction wrote, until it commits or rolls back. */
  #writing: Map<number, { reads: number; at: number }> | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** `flush` opens a write transaction, which writes what is pending (see writePending). */
  constructor(db: SqliteDatabase, flush: () => void) {
    this.#flush = flush;
    this.#update = db.prepare(
      'UPDATE memories SET access_count = access_count + ?, accessed_at = max(coalesce(accessed_at, 0), ?) WHERE rowid = ?',
    );
  }

  /** Counts one read of each row; returns the rows as the reader now sees them. */
  read<T extends MemoryRow>(rows: readonly T[], now: number): T[] {
    if (rows.length > 0) this.#timer ??= setTimeout(() => this.#flushSoon(), ACCESS_FLUSH_MS).unref();
    return rows.map((row) => {
      const pending = this.#pending.get(row.rowid);
      const reads = (pending?.reads ?? 0) + 1;
      this.#pending.set(row.rowid, { reads, at: now });
      return { ...row, access_count: row.access_count + reads, accessed_at: now };
    });
  }

  /** A row as stored, with this process's unwritten reads added. */
  current<T extends MemoryRow>(row: T): T {
    const pending = this.#pending.get(row.rowid);
    return pending ? { ...row, access_count: row.access_count + pending.reads, accessed_at: pending.at } : row;
  }

  /** Inside a write transaction: writes the pending reads. */
  writePending(): void {
    if (this.#pending.size === 0) return;
    this.#writing = this.#pending;
    this.#pending = new Map();
    for (const [rowid, { reads, at }] of this.#writing) this.#update.run(reads, at, rowid);
  }

  /** The write transaction committed. */
  committed(): void {
    this.#writing = undefined;
  }

  /** The write transaction rolled back: what it wrote is pending again. */
  rolledBack(): void {
    for (const [rowid, { reads, at }] of this.#writing ?? []) {
      const later = this.#pending.get(rowid);
      this.#pending.set(rowid, { reads: reads + (later?.reads ?? 0), at: Math.max(at, later?.at ?? 0) });
    }
    this.#writing = undefined;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Stops the timer; the caller writes what is pending. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #flushSoon(): void {
    this.#timer = undefined;
    try {
      this.#flush();
    } catch {
      // Busy or closed: the reads stay pending and go with the next write or the next timer.
      if (this.#pending.size > 0) this.#timer = setTimeout(() => this.#flushSoon(), ACCESS_FLUSH_MS).unref();
    }
  }
}
