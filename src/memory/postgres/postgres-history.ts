import { toIso } from '../records.js';
import type { Memory, MemoryChange, MemoryVersion, Scope } from '../store.js';
import { isMemoryId } from './memory-rows.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { PoolClient, QueryRow } from './postgres-pool.js';

interface VersionRow {
  version: number;
  change: MemoryChange;
  changed_at: string;
  changed_by: string;
  memory: Memory;
}

/**
 * The memory_history table: each memory's state before a change or a deletion, numbered per
 * memory. Writers hold the memory's row lock, so two instances never number a version twice.
 */
export class PostgresHistory {
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  /** Inside the caller's transaction: keeps `memory` as it was before `change`. */
  async keep(client: PoolClient, memory: Memory, change: MemoryChange, changedBy: string, now: number): Promise<void> {
    const s = this.#db.schema;
    await client.query(
      `INSERT INTO ${s}.memory_history (memory_id, namespace, agent_id, version, change, changed_at, changed_by, memory)
       VALUES ($1, $2, $3, (SELECT coalesce(max(version), 0) + 1 FROM ${s}.memory_history WHERE memory_id = $1),
         $4, $5, $6, $7::jsonb)`,
      [memory.id, memory.namespace, memory.agentId, change, now, changedBy, JSON.stringify(memory)],
    );
  }

  /** Newest first; readable by the memory's owner (or an admin scope) only. In a transaction when given its client. */
  async list(scope: Scope, id: string, client?: PoolClient): Promise<MemoryVersion[]> {
    if (!isMemoryId(id)) return [];
    const owner = scope.admin ? '' : 'AND agent_id = $3';
    const sql = `SELECT version, change, changed_at, changed_by, memory FROM ${this.#db.schema}.memory_history
       WHERE memory_id = $1 AND namespace = $2 ${owner} ORDER BY version DESC`;
    const values = scope.admin ? [id, scope.namespace] : [id, scope.namespace, scope.agentId];
    const { rows } = client
      ? await client.query<VersionRow & QueryRow>(sql, values)
      : await this.#db.pool.query<VersionRow & QueryRow>(sql, values);
    return rows.map((row) => ({
      version: row.version,
      change: row.change,
      changedAt: toIso(Number(row.changed_at))!,
      changedBy: row.changed_by,
      memory: row.memory,
    }));
  }

  async prune(before: number): Promise<number> {
    const { rowCount } = await this.#db.pool.query(
      `DELETE FROM ${this.#db.schema}.memory_history WHERE changed_at < $1`,
      [before],
    );
    return rowCount ?? 0;
  }
}
