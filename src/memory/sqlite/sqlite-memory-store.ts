import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { StoreUnavailableError } from '../../errors.js';
import { topicWords } from '../../text.js';
import { mergeMemory, prepareMemory, toIso, type PreparedMemory } from '../records.js';
import type {
  AccessLevel,
  ImportedMemory,
  Memory,
  MemoryStore,
  NearestQuery,
  NewMemory,
  Scope,
  ScoredMemory,
  SearchQuery,
  StoreResult,
} from '../store.js';
import type { SqliteDatabase } from './database.js';

interface MemoryRow {
  rowid: number;
  id: string;
  namespace: string;
  agent_id: string;
  content: string;
  content_hash: string;
  tags: string;
  metadata: string;
  importance: number;
  access_level: AccessLevel;
  shared_with: string;
  created_at: number;
  updated_at: number;
  accessed_at: number | null;
  access_count: number;
  expires_at: number | null;
  score?: number;
}

/** Live and readable by the scope's agent; `m` is the memories alias. */
const VISIBLE = `m.namespace = @namespace
  AND (m.expires_at IS NULL OR m.expires_at > @now)
  AND (@admin = 1 OR m.agent_id = @agentId OR m.access_level IN ('team', 'public')
       OR (m.access_level = 'shared' AND EXISTS (SELECT 1 FROM json_each(m.shared_with) WHERE value = @agentId)))`;

/** sqlite-vec answers at most this many neighbours per query. */
const MAX_KNN = 4096;
/** Neighbours fetched per requested result, since some are filtered out as invisible afterwards. */
const KNN_OVERFETCH = 4;
const EXPORT_PAGE = 500;
const MAX_FTS_TERMS = 16;
const PROGRESS_EVERY = 500;

export interface SqliteMemoryStoreOptions {
  /** Epoch-millisecond clock; tests move it to expire memories. */
  now?: () => number;
}

/** The embedded MemoryStore: FTS5 (BM25) for text, sqlite-vec for vectors, one file. */
export class SqliteMemoryStore implements MemoryStore {
  readonly backend = 'sqlite';
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #statements = new Map<string, Statement>();

  constructor(db: SqliteDatabase, options: SqliteMemoryStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  async store(scope: Scope, input: NewMemory, embedding: Float32Array): Promise<StoreResult> {
    return this.#guard(() => this.#db.transaction(() => this.#upsert(scope, input, embedding)).immediate());
  }

  async importMany(
    memories: readonly ImportedMemory[],
    embeddings: readonly Float32Array[],
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          let created = 0;
          memories.forEach((memory, i) => {
            const result = this.#upsert(
              { namespace: memory.namespace, agentId: memory.agentId },
              memory,
              embeddings[i]!,
            );
            if (result.created) created++;
            if ((i + 1) % PROGRESS_EVERY === 0) onProgress?.(i + 1);
          });
          onProgress?.(memories.length);
          return { created, updated: memories.length - created };
        })
        .immediate(),
    );
  }

  async get(scope: Scope, id: string): Promise<Memory | null> {
    return this.#guard(() => {
      const row = this.#statement('get', `SELECT m.* FROM memories m WHERE m.id = @id AND ${VISIBLE}`).get({
        ...this.#params(scope),
        id,
      }) as MemoryRow | undefined;
      return row ? (this.#touch([row])[0] ?? null) : null;
    });
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const rowid = this.#statement(
            'delete-find',
            `SELECT rowid FROM memories WHERE id = @id AND namespace = @namespace AND (@admin = 1 OR agent_id = @agentId)`,
          )
            .pluck()
            .get({ id, namespace: scope.namespace, agentId: scope.agentId, admin: scope.admin ? 1 : 0 }) as
            number | undefined;
          if (rowid === undefined) return false;
          this.#removeRows([rowid]);
          return true;
        })
        .immediate(),
    );
  }

  async search(scope: Scope, query: SearchQuery): Promise<ScoredMemory[]> {
    return this.#guard(() => {
      // A text of filler words only ("recall memories") lists instead of matching nothing.
      const terms = query.text === undefined ? [] : topicWords(query.text).slice(0, MAX_FTS_TERMS);
      return terms.length > 0 ? this.#fullText(scope, query, terms) : this.#listScored(scope, query);
    });
  }

  async nearest(scope: Scope, query: NearestQuery): Promise<ScoredMemory[]> {
    return this.#guard(() => {
      const k = Math.min(MAX_KNN, query.limit * KNN_OVERFETCH + 16);
      const filters = query.minImportance === undefined ? '' : 'AND m.importance >= @minImportance';
      const rows = this.#statement(
        `nearest${filters}`,
        `WITH knn AS (
           SELECT rowid, distance FROM memories_vec WHERE embedding MATCH @embedding AND k = @k AND namespace = @namespace
         )
         SELECT m.*, 1 - knn.distance AS score FROM knn JOIN memories m ON m.rowid = knn.rowid
         WHERE ${VISIBLE} ${filters}
         ORDER BY knn.distance LIMIT @limit`,
      ).all({
        ...this.#params(scope),
        embedding: vectorBlob(query.embedding),
        k,
        limit: query.limit,
        ...(query.minImportance !== undefined && { minImportance: query.minImportance }),
      }) as MemoryRow[];
      return this.#touch(rows) as ScoredMemory[];
    });
  }

  async count(scope: Scope): Promise<number> {
    return this.#guard(
      () =>
        this.#statement('count', `SELECT count(*) FROM memories m WHERE ${VISIBLE}`)
          .pluck()
          .get(this.#params(scope)) as number,
    );
  }

  async *exportAll(namespace?: string): AsyncIterable<Memory> {
    let after = 0;
    const page = this.#statement(
      `export${namespace === undefined ? '' : '-ns'}`,
      `SELECT * FROM memories WHERE rowid > @after AND (expires_at IS NULL OR expires_at > @now)
       ${namespace === undefined ? '' : 'AND namespace = @namespace'} ORDER BY rowid LIMIT ${EXPORT_PAGE}`,
    );
    for (;;) {
      // Paged rather than iterated: better-sqlite3 locks the connection while a cursor is open.
      const rows = this.#guard(
        () => page.all({ after, now: this.#now(), ...(namespace !== undefined && { namespace }) }) as MemoryRow[],
      );
      for (const row of rows) yield toMemory(row);
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!.rowid;
    }
  }

  async purgeExpired(): Promise<number> {
    return this.#guard(() =>
      this.#db
        .transaction(() => {
          const rowids = this.#statement(
            'expired',
            'SELECT rowid FROM memories WHERE expires_at IS NOT NULL AND expires_at <= @now',
          )
            .pluck()
            .all({ now: this.#now() }) as number[];
          this.#removeRows(rowids);
          return rowids.length;
        })
        .immediate(),
    );
  }

  async ping(): Promise<void> {
    this.#guard(() => this.#statement('ping', 'SELECT 1').get());
  }

  async close(): Promise<void> {
    this.#statements.clear();
  }

  #upsert(scope: Scope, input: NewMemory, embedding: Float32Array): StoreResult {
    const now = this.#now();
    let prepared = prepareMemory(input, now);
    const existingRow = this.#statement(
      'by-hash',
      'SELECT * FROM memories WHERE namespace = ? AND agent_id = ? AND content_hash = ?',
    ).get(scope.namespace, scope.agentId, prepared.contentHash) as MemoryRow | undefined;

    if (existingRow && (existingRow.expires_at === null || existingRow.expires_at > now)) {
      prepared = mergeMemory(toMemory(existingRow), input, prepared);
      this.#statement(
        'update',
        `UPDATE memories SET tags = @tags, metadata = @metadata, importance = @importance, access_level = @accessLevel,
           shared_with = @sharedWith, expires_at = @expiresAt, updated_at = @now WHERE rowid = @rowid`,
      ).run({ ...columns(prepared), now, rowid: existingRow.rowid });
      this.#writeTags(existingRow.rowid, scope.namespace, prepared.tags);
      const row = this.#statement('by-rowid', 'SELECT * FROM memories WHERE rowid = ?').get(
        existingRow.rowid,
      ) as MemoryRow;
      return { memory: toMemory(row), created: false };
    }
    // An expired duplicate is invisible; replace it rather than resurrect its old fields.
    if (existingRow) this.#removeRows([existingRow.rowid]);

    const id = randomUUID();
    const info = this.#statement(
      'insert',
      `INSERT INTO memories (id, namespace, agent_id, content, content_hash, tags, metadata, importance, access_level,
         shared_with, created_at, updated_at, expires_at)
       VALUES (@id, @namespace, @agentId, @content, @contentHash, @tags, @metadata, @importance, @accessLevel,
         @sharedWith, @createdAt, @now, @expiresAt)`,
    ).run({
      ...columns(prepared),
      id,
      namespace: scope.namespace,
      agentId: scope.agentId,
      now,
      createdAt: prepared.createdAt,
    });
    const rowid = Number(info.lastInsertRowid);
    this.#writeTags(rowid, scope.namespace, prepared.tags);
    this.#statement('vec-insert', 'INSERT INTO memories_vec (rowid, namespace, embedding) VALUES (?, ?, ?)').run(
      BigInt(rowid),
      scope.namespace,
      vectorBlob(embedding),
    );
    const row = this.#statement('by-rowid', 'SELECT * FROM memories WHERE rowid = ?').get(rowid) as MemoryRow;
    return { memory: toMemory(row), created: true };
  }

  #writeTags(rowid: number, namespace: string, tags: readonly string[]): void {
    this.#statement('tags-clear', 'DELETE FROM memory_tags WHERE memory_rowid = ?').run(rowid);
    const insert = this.#statement(
      'tags-insert',
      'INSERT INTO memory_tags (namespace, tag, memory_rowid) VALUES (?, ?, ?)',
    );
    for (const tag of tags) insert.run(namespace, tag, rowid);
  }

  #removeRows(rowids: readonly number[]): void {
    const deleteRow = this.#statement('delete-row', 'DELETE FROM memories WHERE rowid = ?');
    const deleteVec = this.#statement('delete-vec', 'DELETE FROM memories_vec WHERE rowid = ?');
    for (const rowid of rowids) {
      deleteRow.run(rowid);
      deleteVec.run(BigInt(rowid));
    }
  }

  #fullText(scope: Scope, query: SearchQuery, terms: readonly string[]): ScoredMemory[] {
    const { filters, values } = this.#filters(query);
    const order = {
      relevance: 'score DESC',
      importance: 'm.importance DESC, score DESC',
      recent: 'm.created_at DESC',
    }[query.orderBy ?? 'relevance'];
    const sql = `SELECT m.*, -bm25(memories_fts, 1.0, 0.5) AS score
      FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid
      WHERE memories_fts MATCH @match AND ${VISIBLE} ${filters}
      ORDER BY ${order} LIMIT @limit`;
    const rows = this.#statement(sql, sql).all({
      ...this.#params(scope),
      ...values,
      // Each word quoted, so FTS5 syntax in user text is taken literally; OR so any word counts.
      match: terms.map((t) => `"${t}"`).join(' OR '),
      limit: query.limit,
    }) as MemoryRow[];
    return this.#touch(rows) as ScoredMemory[];
  }

  #listScored(scope: Scope, query: SearchQuery): ScoredMemory[] {
    const { filters, values } = this.#filters(query);
    const recent = query.orderBy === 'recent';
    const sql = `SELECT m.*, ${recent ? 'm.created_at' : 'm.importance'} AS score FROM memories m
      WHERE ${VISIBLE} ${filters}
      ORDER BY ${recent ? 'm.created_at DESC' : 'm.importance DESC, m.created_at DESC'} LIMIT @limit`;
    const rows = this.#statement(sql, sql).all({
      ...this.#params(scope),
      ...values,
      limit: query.limit,
    }) as MemoryRow[];
    return this.#touch(rows) as ScoredMemory[];
  }

  #filters(query: SearchQuery): { filters: string; values: Record<string, unknown> } {
    const clauses: string[] = [];
    const values: Record<string, unknown> = {};
    (query.tags ?? []).forEach((tag, i) => {
      clauses.push(
        `EXISTS (SELECT 1 FROM memory_tags t WHERE t.namespace = m.namespace AND t.tag = @tag${i} AND t.memory_rowid = m.rowid)`,
      );
      values[`tag${i}`] = tag.trim().toLowerCase();
    });
    if (query.minImportance !== undefined) {
      clauses.push('m.importance >= @minImportance');
      values['minImportance'] = query.minImportance;
    }
    if (query.createdAfter !== undefined) {
      clauses.push('m.created_at >= @createdAfter');
      values['createdAfter'] = query.createdAfter;
    }
    return { filters: clauses.map((c) => `AND ${c}`).join(' '), values };
  }

  /** Records the read, and returns the memories as the reader now sees them. */
  #touch(rows: MemoryRow[]): Array<Memory & { score?: number }> {
    if (rows.length === 0) return [];
    const now = this.#now();
    this.#statement(
      'touch',
      'UPDATE memories SET accessed_at = @now, access_count = access_count + 1 WHERE rowid IN (SELECT value FROM json_each(@rowids))',
    ).run({ now, rowids: JSON.stringify(rows.map((r) => r.rowid)) });
    return rows.map((row) => {
      const memory = toMemory({ ...row, accessed_at: now, access_count: row.access_count + 1 });
      return row.score === undefined ? memory : { ...memory, score: row.score };
    });
  }

  #params(scope: Scope): Record<string, unknown> {
    return { namespace: scope.namespace, agentId: scope.agentId, admin: scope.admin ? 1 : 0, now: this.#now() };
  }

  /** Statements are prepared once per distinct SQL text and reused. */
  #statement(key: string, sql: string): Statement {
    let statement = this.#statements.get(key);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(key, statement);
    }
    return statement;
  }

  #guard<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/.test(code)) {
        throw new StoreUnavailableError(`SQLite store unavailable (${code}): ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (error instanceof TypeError && /database connection is not open/.test(error.message)) {
        throw new StoreUnavailableError('SQLite store is closed', { cause: error });
      }
      throw error;
    }
  }
}

function columns(prepared: PreparedMemory): Record<string, unknown> {
  return {
    content: prepared.content,
    contentHash: prepared.contentHash,
    tags: JSON.stringify(prepared.tags),
    metadata: JSON.stringify(prepared.metadata),
    importance: prepared.importance,
    accessLevel: prepared.accessLevel,
    sharedWith: JSON.stringify(prepared.sharedWith),
    expiresAt: prepared.expiresAt,
  };
}

function toMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    namespace: row.namespace,
    agentId: row.agent_id,
    content: row.content,
    tags: JSON.parse(row.tags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    importance: row.importance,
    accessLevel: row.access_level,
    sharedWith: JSON.parse(row.shared_with) as string[],
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    accessedAt: toIso(row.accessed_at),
    accessCount: row.access_count,
    expiresAt: toIso(row.expires_at),
    contentHash: row.content_hash,
  };
}

function vectorBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}
