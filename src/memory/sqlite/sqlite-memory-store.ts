import { randomUUID } from 'node:crypto';
import type { Statement, Transaction } from 'better-sqlite3';
import { mergeMemory, patchMemory, prepareMemory, searchTerms, type PreparedMemory } from '../records.js';
import type {
  EmbeddingInput,
  EmbeddingMigration,
  ImportedMemory,
  Memory,
  MemoryPatch,
  MemoryStore,
  NearestQuery,
  NewMemory,
  PendingEmbedding,
  Scope,
  ScoredMemory,
  SearchQuery,
  StoreResult,
} from '../store.js';
import type { SqliteDatabase } from './database.js';
import { NamespaceRanges } from './namespace-ranges.js';
import { AccessCounts } from './access-counts.js';
import { SqliteEmbeddingMigration } from './sqlite-embedding-migration.js';
import { SqliteTextSearch } from './sqlite-text-search.js';
import { SqliteVectors } from './sqlite-vectors.js';
import { columns, toMemory, type MemoryRow } from './rows.js';
import { guarded } from './sqlite-errors.js';
import { VISIBLE, filterClauses } from './sqlite-read-queries.js';

const EXPORT_PAGE = 500;
const PROGRESS_EVERY = 500;
/**
 * Vectors re-scored exactly per requested result, from the best estimates of their codes
 * (at least MIN_SHORTLIST); widened if too few of them are visible to the reader.
 */
const SHORTLIST_PER_RESULT = 10;
const MIN_SHORTLIST = 100;

export interface SqliteMemoryStoreOptions {
  /** Epoch-millisecond clock; tests move it to expire memories. */
  now?: () => number;
}

/**
 * The embedded MemoryStore: one SQLite file; FTS5 (BM25) for text, an in-process int8
 * vector index (loaded per namespace from the memory_vectors table) for k-NN.
 */
export class SqliteMemoryStore implements MemoryStore {
  readonly backend = 'sqlite';
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #statements = new Map<string, Statement>();
  readonly #text: SqliteTextSearch;
  readonly #vectors: SqliteVectors;
  readonly #namespaces: NamespaceRanges;
  readonly #accesses: AccessCounts;
  readonly #transaction: Transaction<(operation: () => unknown) => unknown>;

  constructor(db: SqliteDatabase, options: SqliteMemoryStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#text = new SqliteTextSearch(db);
    this.#vectors = new SqliteVectors(db);
    this.#namespaces = new NamespaceRanges(db);
    this.#accesses = new AccessCounts(db, () => this.#write(() => {}));
    // Built once: better-sqlite3 builds four wrapper functions on every transaction() call.
    this.#transaction = db.transaction((operation: () => unknown) => {
      this.#accesses.writePending();
      const result = operation();
      this.#vectors.beforeCommit();
      return result;
    });
  }

  async store(scope: Scope, input: NewMemory, embedding: Float32Array | null): Promise<StoreResult> {
    return this.#write(() => {
      const { rowid, created } = this.#upsert(scope, input, embedding);
      return { memory: this.#byRowid(rowid), created };
    });
  }

  async importMany(
    memories: readonly ImportedMemory[],
    embeddings: ReadonlyArray<Float32Array | null>,
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }> {
    return this.#write(() => {
      let created = 0;
      memories.forEach((memory, i) => {
        const scope = { namespace: memory.namespace, agentId: memory.agentId };
        if (this.#upsert(scope, memory, embeddings[i] ?? null).created) created++;
        if ((i + 1) % PROGRESS_EVERY === 0) onProgress?.(i + 1);
      });
      onProgress?.(memories.length);
      return { created, updated: memories.length - created };
    });
  }

  async pendingEmbeddings(namespace: string | undefined, limit: number): Promise<PendingEmbedding[]> {
    return guarded(() => this.#vectors.pending(namespace, limit));
  }

  async setEmbeddings(items: readonly EmbeddingInput[]): Promise<number> {
    return this.#write(() => this.#vectors.fill(items));
  }

  embeddingMigration(): EmbeddingMigration {
    return new SqliteEmbeddingMigration(
      this.#db,
      (operation) => this.#write(operation),
      () => this.#vectors.reload(),
    );
  }

  async get(scope: Scope, id: string): Promise<Memory | null> {
    return guarded(() => {
      const row = this.#statement(`SELECT m.* FROM memories m WHERE m.id = @id AND ${VISIBLE}`).get({
        ...this.#params(scope),
        id,
      }) as MemoryRow | undefined;
      return row ? this.#touch([row])[0]! : null;
    });
  }

  async update(scope: Scope, id: string, patch: MemoryPatch): Promise<Memory | null> {
    return this.#write(() => {
      const row = this.#statement(
        `SELECT * FROM memories WHERE id = @id AND namespace = @namespace AND (@admin = 1 OR agent_id = @agentId)
           AND (expires_at IS NULL OR expires_at > @now)`,
      ).get({ ...this.#ownerParams(scope, id), now: this.#now() }) as MemoryRow | undefined;
      if (!row) return null;
      this.#rewrite(row, patchMemory(toMemory(row), patch));
      return this.#byRowid(row.rowid);
    });
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    return this.#write(() => {
      const row = this.#statement(
        'SELECT rowid, namespace FROM memories WHERE id = @id AND namespace = @namespace AND (@admin = 1 OR agent_id = @agentId)',
      ).get(this.#ownerParams(scope, id)) as { rowid: number; namespace: string } | undefined;
      if (!row) return false;
      this.#remove([row]);
      return true;
    });
  }

  async search(scope: Scope, query: SearchQuery): Promise<ScoredMemory[]> {
    return guarded(() => {
      const terms = searchTerms(query.text, query.synonyms);
      // A text of filler words only ("recall memories") lists instead of matching nothing.
      if (terms.length === 0) return this.#list(scope, query);
      const range = this.#namespaces.find(scope.namespace);
      if (!range) return [];
      const orderBy = query.orderBy ?? 'relevance';
      const candidates = orderBy === 'relevance' ? this.#text.candidates(range, terms) : [this.#text.all(range, terms)];
      const rows = this.#fetchCandidates(scope, query, candidates, orderBy);
      return this.#touch(rows) as ScoredMemory[];
    });
  }

  async nearest(scope: Scope, query: NearestQuery): Promise<ScoredMemory[]> {
    return guarded(() => {
      const window = { from: query.createdAfter, to: query.createdBefore };
      for (let shortlist = Math.max(MIN_SHORTLIST, query.limit * SHORTLIST_PER_RESULT); ; shortlist *= 4) {
        const { neighbours, exhausted } = this.#vectors.nearest(scope.namespace, query.embedding, shortlist, window);
        const rows = this.#fetchCandidates(scope, { ...query, text: undefined }, [neighbours], 'relevance');
        // Too few neighbours were visible to this agent: widen, until the window is exhausted.
        if (rows.length >= query.limit || exhausted) return this.#touch(rows) as ScoredMemory[];
      }
    });
  }

  async count(scope: Scope): Promise<number> {
    return guarded(
      () =>
        this.#statement(`SELECT count(*) FROM memories m WHERE ${VISIBLE}`).pluck().get(this.#params(scope)) as number,
    );
  }

  async *exportAll(namespace?: string): AsyncIterable<Memory> {
    const page = this.#statement(
      `SELECT * FROM memories WHERE rowid > @after AND (expires_at IS NULL OR expires_at > @now)
       ${namespace === undefined ? '' : 'AND namespace = @namespace'} ORDER BY rowid LIMIT ${EXPORT_PAGE}`,
    );
    for (let after = 0; ;) {
      // Paged rather than iterated: better-sqlite3 locks the connection while a cursor is open.
      const rows = guarded(
        () => page.all({ after, now: this.#now(), ...(namespace !== undefined && { namespace }) }) as MemoryRow[],
      );
      for (const row of rows) yield toMemory(this.#accesses.current(row));
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!.rowid;
    }
  }

  async purgeExpired(): Promise<number> {
    return this.#write(() => {
      const rows = this.#statement(
        'SELECT rowid, namespace FROM memories WHERE expires_at IS NOT NULL AND expires_at <= @now',
      ).all({ now: this.#now() }) as Array<{ rowid: number; namespace: string }>;
      this.#remove(rows);
      return rows.length;
    });
  }

  async warm(namespace: string): Promise<void> {
    guarded(() => this.#vectors.warm(namespace));
  }

  async ping(): Promise<void> {
    guarded(() => this.#statement('SELECT 1').get());
  }

  async close(): Promise<void> {
    this.#accesses.stop();
    if (this.#accesses.size > 0) this.#write(() => {});
    this.#statements.clear();
    this.#vectors.close();
  }

  /** Writes one memory; the caller reads it back if it needs it (an import does not). */
  #upsert(scope: Scope, input: NewMemory, embedding: Float32Array | null): { rowid: number; created: boolean } {
    const now = this.#now();
    const prepared = prepareMemory(input, now);
    const existing = this.#statement(
      'SELECT * FROM memories WHERE namespace = ? AND agent_id = ? AND content_hash = ?',
    ).get(scope.namespace, scope.agentId, prepared.contentHash) as MemoryRow | undefined;

    if (existing && (existing.expires_at === null || existing.expires_at > now)) {
      this.#rewrite(existing, mergeMemory(toMemory(existing), input, prepared));
      return { rowid: existing.rowid, created: false };
    }
    // An expired duplicate is invisible; replace it rather than resurrect its old fields.
    if (existing) this.#remove([existing]);

    const rowid = this.#namespaces.nextRowid(scope.namespace);
    this.#statement(
      `INSERT INTO memories (rowid, id, namespace, agent_id, content, content_hash, tags, metadata, importance,
         access_level, shared_with, created_at, updated_at, expires_at)
       VALUES (@rowid, @id, @namespace, @agentId, @content, @contentHash, @tags, @metadata, @importance,
         @accessLevel, @sharedWith, @createdAt, @now, @expiresAt)`,
    ).run({
      ...columns(prepared),
      rowid,
      id: randomUUID(),
      namespace: scope.namespace,
      agentId: scope.agentId,
      now,
      createdAt: prepared.createdAt,
    });
    this.#text.add(rowid, prepared.content, JSON.stringify(prepared.tags));
    this.#insertTags(rowid, scope.namespace, prepared);
    if (embedding) this.#vectors.insert(scope.namespace, rowid, embedding, prepared.createdAt);
    else this.#vectors.markPending(scope.namespace, rowid);
    return { rowid, created: true };
  }

  /** Writes every field but the content (which identifies the memory) over a stored row. */
  #rewrite({ rowid, namespace, tags: storedTags }: MemoryRow, prepared: PreparedMemory): void {
    const values = columns(prepared);
    this.#statement(
      `UPDATE memories SET tags = @tags, metadata = @metadata, importance = @importance, access_level = @accessLevel,
         shared_with = @sharedWith, expires_at = @expiresAt, updated_at = @now WHERE rowid = @rowid`,
    ).run({ ...values, now: this.#now(), rowid });
    // The content never changes here, so the full-text row only when the tags do.
    if (values.tags !== storedTags) {
      this.#text.remove(rowid);
      this.#text.add(rowid, prepared.content, values.tags);
    }
    this.#writeTags(rowid, namespace, prepared);
  }

  #ownerParams(scope: Scope, id: string): Record<string, unknown> {
    return { id, namespace: scope.namespace, agentId: scope.agentId, admin: scope.admin ? 1 : 0 };
  }

  #byRowid(rowid: number): Memory {
    return toMemory(
      this.#accesses.current(this.#statement('SELECT * FROM memories WHERE rowid = ?').get(rowid) as MemoryRow),
    );
  }

  #writeTags(rowid: number, namespace: string, prepared: PreparedMemory): void {
    this.#statement('DELETE FROM memory_tags WHERE memory_rowid = ?').run(rowid);
    this.#insertTags(rowid, namespace, prepared);
  }

  #insertTags(rowid: number, namespace: string, { tags, importance }: PreparedMemory): void {
    const insert = this.#statement(
      'INSERT INTO memory_tags (namespace, tag, memory_rowid, importance) VALUES (?, ?, ?, ?)',
    );
    for (const tag of tags) insert.run(namespace, tag, rowid, importance);
  }

  #remove(rows: ReadonlyArray<{ rowid: number; namespace: string }>): void {
    const deleteRow = this.#statement('DELETE FROM memories WHERE rowid = ?');
    for (const { rowid, namespace } of rows) {
      deleteRow.run(rowid);
      this.#text.remove(rowid);
      this.#vectors.remove(namespace, rowid);
    }
  }

  /**
   * Lists without text, by importance or recency. With a tag, the tag's own index (which
   * carries importance) is walked; otherwise the namespace's ordered index. Either way
   * SQLite stops once `limit` rows pass the filters.
   */
  #list(scope: Scope, query: SearchQuery): ScoredMemory[] {
    const [firstTag, ...otherTags] = query.tags ?? [];
    const { filters, values } = filterClauses({ ...query, tags: otherTags });
    const recent = query.orderBy === 'recent';
    const sql =
      firstTag === undefined
        ? `SELECT m.*, ${recent ? 'm.created_at' : 'm.importance'} AS score FROM memories m
           WHERE ${VISIBLE} ${filters}
           ORDER BY ${recent ? 'm.created_at DESC' : 'm.importance DESC, m.created_at DESC'} LIMIT @limit`
        : `SELECT m.*, ${recent ? 'm.created_at' : 'm.importance'} AS score
           FROM memory_tags t CROSS JOIN memories m ON m.rowid = t.memory_rowid
           WHERE t.namespace = @namespace AND t.tag = @firstTag AND ${VISIBLE} ${filters}
           ORDER BY ${recent ? 'm.created_at DESC' : 't.importance DESC'} LIMIT @limit`;
    const rows = this.#statement(sql).all({
      ...this.#params(scope),
      ...values,
      ...(firstTag !== undefined && { firstTag: firstTag.trim().toLowerCase() }),
      limit: query.limit,
    }) as MemoryRow[];
    return this.#touch(rows) as ScoredMemory[];
  }

  /**
   * Keeps the ranked candidates the scope may see and the filters accept, in the order
   * asked for. By relevance it looks up a batch at a time in rank order and stops once it
   * has enough (pulling no further groups); by importance or recency it needs them all,
   * and SQLite keeps the best `limit` as it goes.
   */
  #fetchCandidates(
    scope: Scope,
    query: Omit<SearchQuery, 'text'> & { text?: undefined | string },
    groups: Iterable<ReadonlyArray<{ rowid: number; score: number }>>,
    orderBy: NonNullable<SearchQuery['orderBy']>,
  ): MemoryRow[] {
    const { filters, values } = filterClauses(query);
    // Relevance keeps the candidates' order (j.key is the position in the batch): scores of
    // text candidates ranked over different word sets (see SqliteTextSearch) do not compare.
    const order = { relevance: 'j.key', importance: 'm.importance DESC, j.key', recent: 'm.created_at DESC' }[orderBy];
    // CROSS JOIN fixes the join order: look up each candidate by rowid, never scan the namespace.
    const fetch = this.#statement(
      `SELECT m.*, j.key AS position FROM json_each(@rowids) j CROSS JOIN memories m ON m.rowid = j.value
       WHERE ${VISIBLE} ${filters} ORDER BY ${order} LIMIT @limit`,
    );
    const params = { ...this.#params(scope), ...values };
    const lookup = (batch: ReadonlyArray<{ rowid: number; score: number }>, limit: number): MemoryRow[] =>
      (
        fetch.all({ ...params, rowids: JSON.stringify(batch.map((c) => c.rowid)), limit }) as Array<
          MemoryRow & { position: number }
        >
      ).map(({ position, ...row }) => ({ ...row, score: batch[position]!.score }));

    if (orderBy !== 'relevance') return lookup([...groups].flat(), query.limit);
    // Each row read costs a few microseconds: the first batch is what a reader who may see
    // everything needs, and each later one twice the last, in case many are hidden from it.
    let batchSize = query.limit + 2;
    const rows: MemoryRow[] = [];
    for (const group of groups) {
      for (let start = 0; start < group.length && rows.length < query.limit; start += batchSize, batchSize *= 2) {
        rows.push(...lookup(group.slice(start, start + batchSize), query.limit - rows.length));
      }
      if (rows.length >= query.limit) break;
    }
    return rows;
  }

  /** Counts the read (see AccessCounts), and returns the memories as the reader now sees them. */
  #touch(rows: MemoryRow[]): Array<Memory & { score?: number }> {
    return this.#accesses.read(rows, this.#now()).map((row) => {
      const memory = toMemory(row);
      return row.score === undefined ? memory : { ...memory, score: row.score };
    });
  }

  #params(scope: Scope): Record<string, unknown> {
    return { namespace: scope.namespace, agentId: scope.agentId, admin: scope.admin ? 1 : 0, now: this.#now() };
  }

  /** Statements are prepared once per distinct SQL text and reused. */
  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** A write transaction; the vector index hears of it only once it has committed. */
  #write<T>(operation: () => T): T {
    return guarded(() => {
      try {
        const result = this.#transaction.immediate(operation) as T;
        this.#accesses.committed();
        this.#vectors.commit();
        return result;
      } catch (error) {
        this.#accesses.rolledBack();
        this.#vectors.rollback();
        this.#namespaces.reset();
        throw error;
      }
    });
  }
}
