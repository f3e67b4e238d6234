import { randomUUID } from 'node:crypto';
import { MemoryConflictError, ValidationError } from '../../errors.js';
import {
  mergeMemory,
  normalizeTags,
  patchMemory,
  prepareMemory,
  restorablePatch,
  type PreparedMemory,
} from '../records.js';
import type { Memory, MemoryChange, MemoryPatch, NewMemory, Scope } from '../store.js';
import type { AccessCounts } from './access-counts.js';
import type { NamespaceRanges } from './namespace-ranges.js';
import { columns, toMemory, type MemoryRow } from './rows.js';
import type { SqliteHistory } from './sqlite-history.js';
import type { SqliteTextSearch } from './sqlite-text-search.js';
import type { SqliteVectors } from './sqlite-vectors.js';
import type { Statements } from './statements.js';

export interface SqliteWriteParts {
  statements: Statements;
  text: SqliteTextSearch;
  vectors: SqliteVectors;
  namespaces: NamespaceRanges;
  accesses: AccessCounts;
  history: SqliteHistory;
  now: () => number;
}

/** What a new row keeps of an earlier life: its id, creation time and reads (a content change, a restore). */
interface Lineage {
  id: string;
  createdAt: number;
  accessedAt: number | null;
  accessCount: number;
}

const OWNED = 'namespace = @namespace AND (@admin = 1 OR agent_id = @agentId)';
const LIVE = '(expires_at IS NULL OR expires_at > @now)';
/**
 * Positional parameters in the statements an import runs for every memory: better-sqlite3
 * binds a named one by looking its name up on the object given, which made this insert ~35 µs
 * a row slower (an import of 10,000 spent 1.4 s instead of 1.0 in the store).
 */
const INSERT_MEMORY = `INSERT INTO memories (rowid, id, namespace, agent_id, content, content_hash, tags, metadata,
  importance, access_level, shared_with, created_at, updated_at, accessed_at, access_count, expires_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const REWRITE_MEMORY = `UPDATE memories SET tags = ?, metadata = ?, importance = ?, access_level = ?, shared_with = ?,
  expires_at = ?, updated_at = ? WHERE rowid = ?`;

/**
 * Every write to the memories table and what follows it (full text, tags, vectors, history),
 * always inside the store's write transaction. A change of content gives the memory a new
 * row under the same id, so the full-text and vector indexes of other processes, which catch
 * up on rows above the last they loaded, see it; the old row's removal is filtered out there.
 */
export class SqliteMemoryWrites {
  readonly #parts: SqliteWriteParts;

  constructor(parts: SqliteWriteParts) {
    this.#parts = parts;
  }

  /** Writes one memory, or merges it into the same agent's identical content. */
  upsert(scope: Scope, input: NewMemory, embedding: Float32Array | null): { rowid: number; created: boolean } {
    const now = this.#parts.now();
    const prepared = prepareMemory(input, now);
    const existing = this.#sql('SELECT * FROM memories WHERE namespace = ? AND agent_id = ? AND content_hash = ?').get(
      scope.namespace,
      scope.agentId,
      prepared.contentHash,
    ) as MemoryRow | undefined;

    if (existing && (existing.expires_at === null || existing.expires_at > now)) {
      this.#keep(existing, 'update', scope.agentId);
      this.#rewrite(existing, mergeMemory(toMemory(existing), input, prepared));
      return { rowid: existing.rowid, created: false };
    }
    // An expired duplicate is invisible; replace it rather than resurrect its old fields.
    if (existing) this.remove([existing]);
    const rowid = this.#insert(scope, prepared, { id: randomUUID(), createdAt: prepared.createdAt }, embedding);
    return { rowid, created: true };
  }

  /** Changes a live memory the scope owns (see MemoryStore.update). */
  update(scope: Scope, id: string, patch: MemoryPatch): Memory | null {
    const row = this.#sql(`SELECT * FROM memories WHERE id = @id AND ${OWNED} AND ${LIVE}`).get({
      ...ownerParams(scope),
      id,
      now: this.#parts.now(),
    }) as MemoryRow | undefined;
    if (!row) return null;
    this.#keep(row, 'update', scope.agentId);
    return this.byRowid(this.#apply(row, patchMemory(this.#memory(row), patch)));
  }

  /** Deletes those of `ids` the scope owns, keeping each in its history; returns them as they were. */
  deleteMany(scope: Scope, ids: readonly string[]): Memory[] {
    const find = this.#sql(`SELECT * FROM memories WHERE id = @id AND ${OWNED}`);
    const deleted: Memory[] = [];
    for (const id of new Set(ids)) {
      const row = find.get({ ...ownerParams(scope), id }) as MemoryRow | undefined;
      if (!row) continue;
      deleted.push(this.#keep(row, 'delete', scope.agentId));
      this.remove([row]);
    }
    return deleted;
  }

  /** Renames a tag on the scope's own live memories; returns them as they are now. */
  renameTag(scope: Scope, from: string, to: string): Memory[] {
    const [oldTag, newTag] = normalizeTags([from, to]);
    if (oldTag === undefined || newTag === undefined || oldTag === newTag) return [];
    const rows = this.#sql(
      `SELECT m.* FROM memory_tags t CROSS JOIN memories m ON m.rowid = t.memory_rowid
       WHERE t.namespace = @namespace AND t.tag = @tag AND (@admin = 1 OR m.agent_id = @agentId)
         AND (m.expires_at IS NULL OR m.expires_at > @now)
       ORDER BY m.rowid`,
    ).all({ ...ownerParams(scope), tag: oldTag, now: this.#parts.now() }) as MemoryRow[];
    return rows.map((row) => {
      const memory = this.#keep(row, 'update', scope.agentId);
      const tags = memory.tags.map((tag) => (tag === oldTag ? newTag : tag));
      return this.byRowid(this.#apply(row, patchMemory(memory, { tags })));
    });
  }

  /** Brings back a kept version (see MemoryStore.restore). */
  restore(scope: Scope, id: string, version?: number): Memory | null {
    const versions = this.#parts.history.list(scope, id);
    const chosen = version === undefined ? versions[0] : versions.find((v) => v.version === version);
    if (!chosen) return null;
    const kept = chosen.memory;
    const now = this.#parts.now();
    if (kept.expiresAt !== null && Date.parse(kept.expiresAt) <= now) {
      throw new ValidationError(
        `version: version ${chosen.version} of memory '${id}' expired at ${kept.expiresAt}; restoring it would bring back an invisible memory`,
      );
    }
    const current = this.#sql('SELECT * FROM memories WHERE id = ?').get(id) as MemoryRow | undefined;
    if (current) {
      this.#keep(current, 'restore', scope.agentId);
      return this.byRowid(this.#apply(current, patchMemory(this.#memory(current), restorablePatch(kept))));
    }
    const owner = { namespace: kept.namespace, agentId: kept.agentId };
    const prepared = prepareMemory({ ...restorablePatch(kept), createdAt: Date.parse(kept.createdAt) }, now);
    this.#checkNoOtherHolds(owner, prepared, undefined);
    const lineage = {
      id: kept.id,
      createdAt: prepared.createdAt,
      accessedAt: kept.accessedAt === null ? null : Date.parse(kept.accessedAt),
      accessCount: kept.accessCount,
    };
    return this.byRowid(this.#insert(owner, prepared, lineage, null));
  }

  purgeExpired(): number {
    const rows = this.#sql(
      'SELECT rowid, namespace FROM memories WHERE expires_at IS NOT NULL AND expires_at <= @now',
    ).all({ now: this.#parts.now() }) as Array<{ rowid: number; namespace: string }>;
    this.remove(rows);
    return rows.length;
  }

  remove(rows: ReadonlyArray<{ rowid: number; namespace: string }>): void {
    const deleteRow = this.#sql('DELETE FROM memories WHERE rowid = ?');
    for (const { rowid, namespace } of rows) {
      deleteRow.run(rowid);
      this.#parts.text.remove(rowid);
      this.#parts.vectors.remove(namespace, rowid);
    }
  }

  byRowid(rowid: number): Memory {
    return this.#memory(this.#sql('SELECT * FROM memories WHERE rowid = ?').get(rowid) as MemoryRow);
  }

  /** Writes a prepared state over a row: in place, or as a new row when the content changes. */
  #apply(row: MemoryRow, prepared: PreparedMemory): number {
    if (prepared.contentHash === row.content_hash) {
      this.#rewrite(row, prepared);
      return row.rowid;
    }
    const owner = { namespace: row.namespace, agentId: row.agent_id };
    this.#checkNoOtherHolds(owner, prepared, row.rowid);
    const current = this.#parts.accesses.current(row);
    this.remove([row]);
    const lineage = {
      id: row.id,
      createdAt: row.created_at,
      accessedAt: current.accessed_at,
      accessCount: current.access_count,
    };
    return this.#insert(owner, prepared, lineage, null);
  }

  /** The same agent storing this content elsewhere would make two memories one; refused (an expired one is replaced). */
  #checkNoOtherHolds(owner: Omit<Scope, 'admin'>, prepared: PreparedMemory, rowid: number | undefined): void {
    const other = this.#sql(
      'SELECT * FROM memories WHERE namespace = ? AND agent_id = ? AND content_hash = ? AND rowid IS NOT ?',
    ).get(owner.namespace, owner.agentId, prepared.contentHash, rowid ?? null) as MemoryRow | undefined;
    if (!other) return;
    if (other.expires_at !== null && other.expires_at <= this.#parts.now()) {
      this.remove([other]);
      return;
    }
    throw new MemoryConflictError(`Memory '${other.id}' of the same agent already holds that content`, {
      details: { id: other.id },
    });
  }

  #insert(
    scope: Omit<Scope, 'admin'>,
    prepared: PreparedMemory,
    lineage: Partial<Lineage> & { id: string },
    embedding: Float32Array | null,
  ): number {
    const now = this.#parts.now();
    const rowid = this.#parts.namespaces.nextRowid(scope.namespace);
    const values = columns(prepared);
    this.#sql(INSERT_MEMORY).run(
      rowid,
      lineage.id,
      scope.namespace,
      scope.agentId,
      values.content,
      values.contentHash,
      values.tags,
      values.metadata,
      values.importance,
      values.accessLevel,
      values.sharedWith,
      lineage.createdAt ?? prepared.createdAt,
      now,
      lineage.accessedAt ?? null,
      lineage.accessCount ?? 0,
      values.expiresAt,
    );
    this.#parts.text.add(rowid, prepared.content, JSON.stringify(prepared.tags));
    this.#insertTags(rowid, scope.namespace, prepared);
    if (embedding)
      this.#parts.vectors.insert(scope.namespace, rowid, embedding, lineage.createdAt ?? prepared.createdAt);
    else this.#parts.vectors.markPending(scope.namespace, rowid);
    return rowid;
  }

  /** Writes every field but the content (which is the same) over a stored row. */
  #rewrite({ rowid, namespace, tags: storedTags }: MemoryRow, prepared: PreparedMemory): void {
    const values = columns(prepared);
    this.#sql(REWRITE_MEMORY).run(
      values.tags,
      values.metadata,
      values.importance,
      values.accessLevel,
      values.sharedWith,
      values.expiresAt,
      this.#parts.now(),
      rowid,
    );
    // The content never changes here, so the full-text row only when the tags do.
    if (values.tags !== storedTags) {
      this.#parts.text.remove(rowid);
      this.#parts.text.add(rowid, prepared.content, values.tags);
    } else this.#parts.text.changed(rowid);
    this.#sql('DELETE FROM memory_tags WHERE memory_rowid = ?').run(rowid);
    this.#insertTags(rowid, namespace, prepared);
  }

  #insertTags(rowid: number, namespace: string, { tags, importance }: PreparedMemory): void {
    const insert = this.#sql('INSERT INTO memory_tags (namespace, tag, memory_rowid, importance) VALUES (?, ?, ?, ?)');
    for (const tag of tags) insert.run(namespace, tag, rowid, importance);
  }

  /** Keeps a row's state in its history before `change`; returns that state. */
  #keep(row: MemoryRow, change: MemoryChange, changedBy: string): Memory {
    const memory = this.#memory(row);
    this.#parts.history.keep(memory, change, changedBy, this.#parts.now());
    return memory;
  }

  /** A row as readers see it: with this process's reads not yet written. */
  #memory(row: MemoryRow): Memory {
    return toMemory(this.#parts.accesses.current(row));
  }

  #sql(sql: string) {
    return this.#parts.statements.get(sql);
  }
}

function ownerParams(scope: Scope): Record<string, unknown> {
  return { namespace: scope.namespace, agentId: scope.agentId, admin: scope.admin ? 1 : 0 };
}
