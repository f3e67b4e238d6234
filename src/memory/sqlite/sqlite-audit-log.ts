import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../audit-log.js';
import type { SqliteDatabase } from './database.js';

interface AuditRow {
  id: number;
  at: number;
  agent_id: string;
  namespace: string;
  operation: string;
  pattern: string | null;
  target: string | null;
  success: number;
  duration_ms: number;
  error_code: string | null;
  surface: string;
  count: number;
}

/** Filters of AuditQuery, as SQL; every value is bound, never interpolated. */
const FILTERS: ReadonlyArray<[keyof AuditQuery, string]> = [
  ['agentId', 'agent_id = @agentId'],
  ['namespace', 'namespace = @namespace'],
  ['operation', 'operation = @operation'],
  ['pattern', 'pattern = @pattern'],
  ['success', 'success = @success'],
  ['since', 'at >= @since'],
  ['until', 'at < @until'],
  ['beforeId', 'id < @beforeId'],
];

/** The audit log in the embedded database (table `audit_log`: no update, no delete of a recent row, by trigger). */
export class SqliteAuditLog implements AuditLog {
  readonly #db: SqliteDatabase;
  /** One transaction per batch, its function built once (better-sqlite3 builds four wrappers per call). */
  readonly #appendAll;
  readonly #prune;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    const insert = db.prepare(
      `INSERT INTO audit_log (at, agent_id, namespace, operation, pattern, target, success, duration_ms, error_code,
         surface, count)
       VALUES (@at, @agentId, @namespace, @operation, @pattern, @target, @success, @durationMs, @errorCode, @surface,
         @count)`,
    );
    this.#appendAll = db.transaction((entries: readonly AuditEntry[]) => {
      for (const entry of entries) insert.run({ ...entry, success: entry.success ? 1 : 0, count: entry.count ?? 1 });
    });
    this.#prune = db.prepare(
      'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)',
    );
  }

  async prune(before: number, limit: number): Promise<number> {
    return this.#prune.run(before, limit).changes;
  }

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.#appendAll.immediate(entries);
  }

  async query(query: AuditQuery): Promise<AuditRecord[]> {
    const present = FILTERS.filter(([key]) => query[key] !== undefined);
    const where = present.length === 0 ? '' : `WHERE ${present.map(([, clause]) => clause).join(' AND ')}`;
    const values: Record<string, unknown> = { limit: query.limit };
    for (const [key] of present) values[key] = key === 'success' ? (query.success ? 1 : 0) : query[key];
    const rows = this.#db
      .prepare(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT @limit`)
      .all(values) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      agentId: row.agent_id,
      namespace: row.namespace,
      operation: row.operation,
      pattern: row.pattern,
      target: row.target,
      success: row.success === 1,
      durationMs: row.duration_ms,
      errorCode: row.error_code,
      surface: row.surface,
      count: row.count,
    }));
  }
}
