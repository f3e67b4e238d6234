import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../audit-log.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Filters of AuditQuery, as SQL with a placeholder for the bound value. */
const FILTERS: ReadonlyArray<[keyof AuditQuery, string]> = [
  ['agentId', 'agent_id = $?'],
  ['namespace', 'namespace = $?'],
  ['operation', 'operation = $?'],
  ['pattern', 'pattern = $?'],
  ['success', 'success = $?'],
  ['since', 'at >= $?'],
  ['until', 'at < $?'],
  ['beforeId', 'id < $?'],
];

/** The audit log shared by every instance on the same database (table `audit_log`: no update, no delete of a recent row, by trigger). */
export class PostgresAuditLog implements AuditLog {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const column = <T>(pick: (e: AuditEntry) => T): T[] => entries.map(pick);
    await this.#db.pool.query(
      `INSERT INTO ${this.#db.schema}.audit_log (at, agent_id, namespace, operation, pattern, target, success,
         duration_ms, error_code, surface, count)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
         $8::float8[], $9::text[], $10::text[], $11::integer[])`,
      [
        column((e) => e.at),
        column((e) => e.agentId),
        column((e) => e.namespace),
        column((e) => e.operation),
        column((e) => e.pattern),
        column((e) => e.target),
        column((e) => e.success),
        column((e) => e.durationMs),
        column((e) => e.errorCode),
        column((e) => e.surface),
        column((e) => e.count ?? 1),
      ],
    );
  }

  async prune(before: number, limit: number): Promise<number> {
    const table = `${this.#db.schema}.audit_log`;
    const { rowCount } = await this.#db.pool.query(
      `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE at < $1 ORDER BY at LIMIT $2)`,
      [before, limit],
    );
    return rowCount ?? 0;
  }

  async query(query: AuditQuery): Promise<AuditRecord[]> {
    const values: unknown[] = [];
    const clauses = FILTERS.filter(([key]) => query[key] !== undefined).map(([key, clause]) => {
      values.push(query[key]);
      return clause.replace('$?', `$${values.length}`);
    });
    values.push(query.limit);
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const { rows } = await this.#db.pool.query<Record<string, unknown>>(
      `SELECT * FROM ${this.#db.schema}.audit_log ${where} ORDER BY id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => ({
      id: Number(row['id']),
      at: Number(row['at']),
      agentId: String(row['agent_id']),
      namespace: String(row['namespace']),
      operation: String(row['operation']),
      pattern: (row['pattern'] as string | null) ?? null,
      target: (row['target'] as string | null) ?? null,
      success: row['success'] === true,
      durationMs: Number(row['duration_ms']),
      errorCode: (row['error_code'] as string | null) ?? null,
      surface: String(row['surface']),
      count: Number(row['count']),
    }));
  }
}
