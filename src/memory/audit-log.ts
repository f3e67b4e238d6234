/**
 * @module memory/audit-log
 * The audit port: who did what, when, and how it ended. Append-only: no backend offers
 * update, and the only delete is pruning what is older than the retention; the built-in
 * backends refuse updates, and deletes of entries less than a day old, in the database itself.
 */

/** One audited operation. */
export interface AuditEntry {
  /** Epoch milliseconds. */
  at: number;
  agentId: string;
  namespace: string;
  /** e.g. `execute`, `memory.store`, `memory.delete`, `pattern.register`. */
  operation: string;
  /** The pattern that ran or changed, when there is one. */
  pattern: string | null;
  /** What the operation acted on besides a pattern (a memory id), when there is one. */
  target: string | null;
  success: boolean;
  durationMs: number;
  errorCode: string | null;
  /** Where the call came from: `http`, `mcp`, `cli`… */
  surface: string;
  /**
   * How many operations the entry stands for: refusals are counted into one entry per
   * window, whose `at` and `durationMs` are the first one's. @default 1
   */
  count?: number;
}

/** A stored entry, with the id that orders the log. */
export interface AuditRecord extends AuditEntry {
  id: number;
  count: number;
}

export interface AuditQuery {
  agentId?: string;
  namespace?: string;
  operation?: string;
  pattern?: string;
  success?: boolean;
  /** Epoch milliseconds, inclusive. */
  since?: number;
  /** Epoch milliseconds, exclusive. */
  until?: number;
  /** Only entries with a smaller id: the cursor for the next page. */
  beforeId?: number;
  limit: number;
}

export interface AuditLog {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first. */
  query(query: AuditQuery): Promise<AuditRecord[]>;
  /**
   * Deletes up to `limit` entries older than `before` (epoch ms), oldest first, and says how
   * many; the retention calls it in small batches. A log without it keeps everything.
   */
  prune?(before: number, limit: number): Promise<number>;
}
