import type { Statement } from 'better-sqlite3';
import { toIso } from '../records.js';
import type { Memory, MemoryChange, MemoryVersion, Scope } from '../store.js';
import type { SqliteDatabase } from './database.js';

interface VersionRow {
  version: number;
  change: MemoryChange;
  changed_at: number;
  changed_by: string;
  memory: string;
}

/**
 * The memory_history table: each memory's state before a change or a deletion, numbered per
 * memory, readable by its owner (or an admin scope) only, even once the memory is gone.
 */
export class SqliteHistory {
  readonly #keep: Statement;
  readonly #list: Statement;
  readonly #prune: Statement;

  constructor(db: SqliteDatabase) {
    // Positional: imported memories that update stored ones keep their history through it.
    this.#keep = db.prepare(
      `INSERT INTO memory_history (memory_id, namespace, agent_id, version, change, changed_at, changed_by, memory)
       VALUES (?, ?, ?, (SELECT coalesce(max(version), 0) + 1 FROM memory_history WHERE memory_id = ?), ?, ?, ?, ?)`,
    );
    this.#list = db.prepare(
      `SELECT version, change, changed_at, changed_by, memory FROM memory_history
       WHERE memory_id = @id AND namespace = @namespace AND (@admin = 1 OR agent_id = @agentId)
       ORDER BY version DESC`,
    );
    this.#prune = db.prepare('DELETE FROM memory_history WHERE changed_at < ?');
  }

  /** Inside a write transaction: keeps `memory` as it was before `change`. */
  keep(memory: Memory, change: MemoryChange, changedBy: string, now: number): void {
    const { id, namespace, agentId } = memory;
    this.#keep.run(id, namespace, agentId, id, change, now, changedBy, JSON.stringify(memory));
  }

  /** Newest first. */
  list(scope: Scope, id: string): MemoryVersion[] {
    const rows = this.#list.all({
      id,
      namespace: scope.namespace,
      agentId: scope.agentId,
      admin: scope.admin ? 1 : 0,
    }) as VersionRow[];
    return rows.map((row) => ({
      version: row.version,
      change: row.change,
      changedAt: toIso(row.changed_at)!,
      changedBy: row.changed_by,
      memory: JSON.parse(row.memory) as Memory,
    }));
  }

  /** Inside a write transaction. */
  prune(before: number): number {
    return this.#prune.run(before).changes;
  }
}
