import { MemoryConflictError, ValidationError } from '../../errors.js';
import { normalizeTags, patchMemory, prepareMemory, restorablePatch, type PreparedMemory } from '../records.js';
import type { Memory, MemoryPatch, Scope } from '../store.js';
import { isMemoryId, memoryColumns, toMemory, type MemoryRow } from './memory-rows.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { PostgresHistory } from './postgres-history.js';
import type { PoolClient } from './postgres-pool.js';

/**
 * Changes to stored memories, each inside the caller's transaction and under the memory's
 * row lock, with the state before kept in the history: update (content included), delete,
 * tag rename and restore.
 */
export class PostgresChanges {
  readonly #db: PostgresDatabase;
  readonly #history: PostgresHistory;

  constructor(db: PostgresDatabase, history: PostgresHistory) {
    this.#db = db;
    this.#history = history;
  }

  /** Applies `patch` to a live memory the scope's agent owns (any, for an admin scope); null if there is none. */
  async update(client: PoolClient, scope: Scope, id: string, patch: MemoryPatch, now: number): Promise<Memory | null> {
    if (!isMemoryId(id)) return null;
    const [row] = await this.#lockOwned(client, scope, [id], now, true);
    if (!row) return null;
    const memory = toMemory(row);
    await this.#history.keep(client, memory, 'update', scope.agentId, now);
    return this.rewrite(client, row, patchMemory(memory, patch), now);
  }

  /** Deletes those of `ids` the scope's agent owns, keeping each in its history; returns them as they were. */
  async deleteMany(client: PoolClient, scope: Scope, ids: readonly string[], now: number): Promise<Memory[]> {
    const rows = await this.#lockOwned(client, scope, ids.filter(isMemoryId), now, false);
    const deleted = rows.map(toMemory);
    for (const memory of deleted) await this.#history.keep(client, memory, 'delete', scope.agentId, now);
    if (rows.length > 0) {
      await client.query(`DELETE FROM ${this.#db.schema}.memories WHERE seq = ANY ($1::bigint[])`, [
        rows.map((r) => r.seq),
      ]);
    }
    return deleted;
  }

  /** Renames a tag on the scope's agent's own live memories; returns them as they are now. */
  async renameTag(client: PoolClient, scope: Scope, from: string, to: string, now: number): Promise<Memory[]> {
    const [oldTag, newTag] = normalizeTags([from, to]);
    if (oldTag === undefined || newTag === undefined || oldTag === newTag) return [];
    const owner = scope.admin ? '' : 'AND agent_id = $4';
    const { rows } = await client.query<MemoryRow>(
      `SELECT ${memoryColumns()} FROM ${this.#db.schema}.memories
       WHERE namespace = $1 AND tags @> ARRAY[$2::text] AND (expires_at IS NULL OR expires_at > $3) ${owner}
       ORDER BY seq FOR UPDATE`,
      scope.admin ? [scope.namespace, oldTag, now] : [scope.namespace, oldTag, now, scope.agentId],
    );
    const renamed: Memory[] = [];
    for (const row of rows) {
      const memory = toMemory(row);
      await this.#history.keep(client, memory, 'update', scope.agentId, now);
      const tags = memory.tags.map((tag) => (tag === oldTag ? newTag : tag));
      renamed.push(await this.rewrite(client, row, patchMemory(memory, { tags }), now));
    }
    return renamed;
  }

  /** Brings back a kept version (see MemoryStore.restore). */
  async restore(client: PoolClient, scope: Scope, id: string, version: number | undefined, now: number) {
    const versions = await this.#history.list(scope, id, client);
    const chosen = version === undefined ? versions[0] : versions.find((v) => v.version === version);
    if (!chosen) return null;
    const kept = chosen.memory;
    if (kept.expiresAt !== null && Date.parse(kept.expiresAt) <= now) {
      throw new ValidationError(
        `version: version ${chosen.version} of memory '${id}' expired at ${kept.expiresAt}; restoring it would bring back an invisible memory`,
      );
    }
    const { rows } = await client.query<MemoryRow>(
      `SELECT ${memoryColumns()} FROM ${this.#db.schema}.memories WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const current = rows[0];
    if (current) {
      const memory = toMemory(current);
      await this.#history.keep(client, memory, 'restore', scope.agentId, now);
      return this.rewrite(client, current, patchMemory(memory, restorablePatch(kept)), now);
    }
    const prepared = prepareMemory({ ...restorablePatch(kept), createdAt: Date.parse(kept.createdAt) }, now);
    await this.#checkNoOtherHolds(client, kept.namespace, kept.agentId, prepared, null, now);
    const inserted = await client.query<MemoryRow>(
      `INSERT INTO ${this.#db.schema}.memories (id, namespace, agent_id, content, content_hash, tags, metadata,
         importance, access_level, shared_with, created_at, updated_at, accessed_at, access_count, expires_at, search)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15,
         setweight(to_tsvector('english', $4), 'A') || setweight(to_tsvector('english', $16), 'B'))
       RETURNING ${memoryColumns()}`,
      [
        kept.id,
        kept.namespace,
        kept.agentId,
        prepared.content,
        prepared.contentHash,
        prepared.tags,
        JSON.stringify(prepared.metadata),
        prepared.importance,
        prepared.accessLevel,
        prepared.sharedWith,
        prepared.createdAt,
        now,
        kept.accessedAt === null ? null : Date.parse(kept.accessedAt),
        kept.accessCount,
        prepared.expiresAt,
        prepared.tags.join(' '),
      ],
    );
    return toMemory(inserted.rows[0]!);
  }

  /**
   * Writes a prepared state over a locked row. New content is searchable at once and waits
   * for its vector (NULL until the backlog computes it); the same agent's other memory
   * holding that content refuses the change.
   */
  async rewrite(client: PoolClient, row: MemoryRow, next: PreparedMemory, now: number): Promise<Memory> {
    const s = this.#db.schema;
    const contentChanged = next.contentHash !== row.content_hash;
    if (contentChanged) await this.#checkNoOtherHolds(client, row.namespace, row.agent_id, next, row.seq, now);
    const { rows } = await client.query<MemoryRow>(
      `UPDATE ${s}.memories SET content = $1, content_hash = $2, tags = $3, metadata = $4::jsonb, importance = $5,
         access_level = $6, shared_with = $7, expires_at = $8, updated_at = $9,
         search = setweight(to_tsvector('english', $1), 'A') || setweight(to_tsvector('english', $10), 'B')
         ${contentChanged ? ', embedding = NULL' : ''}
       WHERE seq = $11 RETURNING ${memoryColumns()}`,
      [
        next.content,
        next.contentHash,
        next.tags,
        JSON.stringify(next.metadata),
        next.importance,
        next.accessLevel,
        next.sharedWith,
        next.expiresAt,
        now,
        next.tags.join(' '),
        row.seq,
      ],
    );
    if (contentChanged) await client.query(`DELETE FROM ${s}.memory_vectors_next WHERE seq = $1`, [row.seq]);
    return toMemory(rows[0]!);
  }

  /** Locks the scope's own rows among `ids`, in seq order (live ones only, when asked). */
  async #lockOwned(client: PoolClient, scope: Scope, ids: readonly string[], now: number, liveOnly: boolean) {
    if (ids.length === 0) return [];
    const values: unknown[] = [ids, scope.namespace];
    const owner = scope.admin ? '' : `AND agent_id = $${values.push(scope.agentId)}`;
    const live = liveOnly ? `AND (expires_at IS NULL OR expires_at > $${values.push(now)})` : '';
    const { rows } = await client.query<MemoryRow>(
      `SELECT ${memoryColumns()} FROM ${this.#db.schema}.memories
       WHERE id = ANY ($1::uuid[]) AND namespace = $2 ${owner} ${live} ORDER BY seq FOR UPDATE`,
      values,
    );
    return rows;
  }

  /** The same agent storing this content elsewhere would make two memories one; refused (an expired one is replaced). */
  async #checkNoOtherHolds(
    client: PoolClient,
    namespace: string,
    agentId: string,
    next: PreparedMemory,
    seq: string | null,
    now: number,
  ): Promise<void> {
    const s = this.#db.schema;
    const { rows } = await client.query<{ seq: string; id: string; expires_at: string | null }>(
      `SELECT seq, id, expires_at FROM ${s}.memories
       WHERE namespace = $1 AND agent_id = $2 AND content_hash = $3 AND seq IS DISTINCT FROM $4::bigint FOR UPDATE`,
      [namespace, agentId, next.contentHash, seq],
    );
    const other = rows[0];
    if (!other) return;
    if (other.expires_at !== null && Number(other.expires_at) <= now) {
      await client.query(`DELETE FROM ${s}.memories WHERE seq = $1`, [other.seq]);
      return;
    }
    throw new MemoryConflictError(`Memory '${other.id}' of the same agent already holds that content`, {
      details: { id: other.id },
    });
  }
}
