import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../../errors.js';
import { mergeMemory, prepareMemory, type PreparedMemory } from '../records.js';
import type { ImportedMemory, NewMemory, Scope, StoreResult } from '../store.js';
import { memoryColumns, toMemory, type MemoryRow } from './memory-rows.js';
import type { PostgresChanges } from './postgres-changes.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { PostgresHistory } from './postgres-history.js';
import type { PoolClient } from './postgres-pool.js';
import { decodeEmbeddingSql, encodeEmbedding } from './postgres-vectors.js';

/** Rows inserted per statement by importMany. */
const IMPORT_BATCH = 500;
/** Another instance inserting the same content between our check and insert is retried this often. */
const CONFLICT_RETRIES = 3;

interface Pending {
  scope: Scope;
  input: NewMemory;
  prepared: PreparedMemory;
  embedding: Float32Array | null;
}

const keyOf = (namespace: string, agentId: string, hash: string): string => `${namespace}\u0001${agentId}\u0001${hash}`;

/**
 * Writes memories with dedup per (namespace, agent, content hash), inside the caller's
 * transaction. Safe across instances: the unique key decides races, and the loser merges.
 */
export class PostgresUpserter {
  readonly #db: PostgresDatabase;
  readonly #changes: PostgresChanges;
  readonly #history: PostgresHistory;

  constructor(db: PostgresDatabase, changes: PostgresChanges, history: PostgresHistory) {
    this.#db = db;
    this.#changes = changes;
    this.#history = history;
  }

  async upsertOne(
    client: PoolClient,
    scope: Scope,
    input: NewMemory,
    embedding: Float32Array | null,
    now: number,
  ): Promise<StoreResult> {
    for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
      const prepared = prepareMemory(input, now);
      const [existing] = await this.#lockExisting(client, [{ scope, prepared }]);
      if (existing && isLive(existing, now))
        return { memory: await this.#merge(client, existing, input, prepared, now), created: false };
      if (existing) await this.#deleteRows(client, [existing.seq]);
      const [inserted] = await this.#insert(client, [{ scope, input, prepared, embedding }], now);
      if (inserted) return { memory: toMemory(inserted), created: true };
    }
    throw new StoreUnavailableError('Concurrent writes of the same memory kept conflicting; retry');
  }

  /** One transaction (the caller's), inserted in batches; duplicates inside the import merge in order. */
  async upsertMany(
    client: PoolClient,
    memories: readonly ImportedMemory[],
    embeddings: ReadonlyArray<Float32Array | null>,
    now: number,
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }> {
    let created = 0;
    let done = 0;
    let batch: Pending[] = [];
    let keys = new Set<string>();
    const flush = async (): Promise<void> => {
      created += await this.#upsertBatch(client, batch, now);
      done += batch.length;
      batch = [];
      keys = new Set();
      onProgress?.(done);
    };
    for (const [i, memory] of memories.entries()) {
      const prepared = prepareMemory(memory, now);
      const key = keyOf(memory.namespace, memory.agentId, prepared.contentHash);
      // A repeated key must see its first occurrence written, so it starts a new batch.
      if (keys.has(key) || batch.length >= IMPORT_BATCH) await flush();
      keys.add(key);
      batch.push({
        scope: { namespace: memory.namespace, agentId: memory.agentId },
        input: memory,
        prepared,
        embedding: embeddings[i] ?? null,
      });
    }
    if (batch.length > 0 || memories.length === 0) await flush();
    return { created, updated: memories.length - created };
  }

  async #upsertBatch(client: PoolClient, batch: readonly Pending[], now: number): Promise<number> {
    if (batch.length === 0) return 0;
    const existing = new Map(
      (await this.#lockExisting(client, batch)).map((row) => [
        keyOf(row.namespace, row.agent_id, row.content_hash),
        row,
      ]),
    );
    const fresh: Pending[] = [];
    const expired: string[] = [];
    for (const item of batch) {
      const row = existing.get(keyOf(item.scope.namespace, item.scope.agentId, item.prepared.contentHash));
      if (row && isLive(row, now)) await this.#merge(client, row, item.input, item.prepared, now);
      else {
        if (row) expired.push(row.seq);
        fresh.push(item);
      }
    }
    await this.#deleteRows(client, expired);
    const inserted = new Set(
      (await this.#insert(client, fresh, now)).map((row) => keyOf(row.namespace, row.agent_id, row.content_hash)),
    );
    let created = inserted.size;
    for (const item of fresh) {
      if (inserted.has(keyOf(item.scope.namespace, item.scope.agentId, item.prepared.contentHash))) continue;
      // Another instance inserted it meanwhile: take the one-by-one path, which merges.
      if ((await this.upsertOne(client, item.scope, item.input, item.embedding, now)).created) created++;
    }
    return created;
  }

  async #lockExisting(
    client: PoolClient,
    items: ReadonlyArray<Pick<Pending, 'scope' | 'prepared'>>,
  ): Promise<MemoryRow[]> {
    const { rows } = await client.query<MemoryRow>(
      `SELECT ${memoryColumns()} FROM ${this.#db.schema}.memories
       WHERE (namespace, agent_id, content_hash) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
       ORDER BY seq FOR UPDATE`,
      [
        items.map((i) => i.scope.namespace),
        items.map((i) => i.scope.agentId),
        items.map((i) => i.prepared.contentHash),
      ],
    );
    return rows;
  }

  async #merge(client: PoolClient, row: MemoryRow, input: NewMemory, prepared: PreparedMemory, now: number) {
    const existing = toMemory(row);
    await this.#history.keep(client, existing, 'update', row.agent_id, now);
    return this.#changes.rewrite(client, row, mergeMemory(existing, input, prepared), now);
  }

  async #deleteRows(client: PoolClient, seqs: readonly string[]): Promise<void> {
    if (seqs.length > 0)
      await client.query(`DELETE FROM ${this.#db.schema}.memories WHERE seq = ANY ($1::bigint[])`, [seqs]);
  }

  /** One multi-row INSERT; rows whose key already exists are skipped and not returned. */
  async #insert(client: PoolClient, items: readonly Pending[], now: number): Promise<MemoryRow[]> {
    if (items.length === 0) return [];
    const column = <T>(pick: (item: Pending) => T): T[] => items.map(pick);
    const { rows } = await client.query<MemoryRow>(
      `INSERT INTO ${this.#db.schema}.memories (id, namespace, agent_id, content, content_hash, tags, metadata,
         importance, access_level, shared_with, created_at, updated_at, expires_at, search, embedding)
       SELECT r.id, r.namespace, r.agent_id, r.content, r.content_hash,
         ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.metadata, r.importance, r.access_level,
         ARRAY(SELECT jsonb_array_elements_text(r.shared_with)), r.created_at, $14, r.expires_at,
         setweight(to_tsvector('english', r.content), 'A') || setweight(to_tsvector('english', r.tag_text), 'B'),
         ${decodeEmbeddingSql(this.#db, 'r.embedding')}
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::float8[],
         $9::text[], $10::jsonb[], $11::bigint[], $12::bigint[], $13::text[], $15::text[])
         AS r(id, namespace, agent_id, content, content_hash, tags, metadata, importance, access_level, shared_with,
              created_at, expires_at, tag_text, embedding)
       ON CONFLICT (namespace, agent_id, content_hash) DO NOTHING
       RETURNING ${memoryColumns()}`,
      [
        column(() => randomUUID()),
        column((i) => i.scope.namespace),
        column((i) => i.scope.agentId),
        column((i) => i.prepared.content),
        column((i) => i.prepared.contentHash),
        column((i) => JSON.stringify(i.prepared.tags)),
        column((i) => JSON.stringify(i.prepared.metadata)),
        column((i) => i.prepared.importance),
        column((i) => i.prepared.accessLevel),
        column((i) => JSON.stringify(i.prepared.sharedWith)),
        column((i) => i.prepared.createdAt),
        column((i) => i.prepared.expiresAt),
        column((i) => i.prepared.tags.join(' ')),
        now,
        column((i) => encodeEmbedding(this.#db, i.embedding)),
      ],
    );
    return rows;
  }
}

function isLive(row: MemoryRow, now: number): boolean {
  return row.expires_at === null || Number(row.expires_at) > now;
}
