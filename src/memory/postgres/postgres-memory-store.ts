import { searchTerms } from '../records.js';
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
import { SqlParams, isMemoryId, memoryColumns, toMemory, visibleTo, type MemoryRow } from './memory-rows.js';
import type { PostgresDatabase } from './postgres-database.js';
import { PostgresUpserter } from './postgres-upsert.js';
import { PostgresTextSearch } from './postgres-text-search.js';
import { PostgresEmbeddingMigration } from './postgres-embedding-migration.js';
import { nearestHits, pendingEmbeddings, setEmbeddings, type HitsQuery } from './postgres-vectors.js';

const EXPORT_PAGE = 500;
/** An import creating this many memories refreshes the table's planner statistics. */
const ANALYZE_AFTER_IMPORT = 1000;

export interface PostgresMemoryStoreOptions {
  /** Epoch-millisecond clock; tests move it to expire memories. */
  now?: () => number;
}

/**
 * The shared MemoryStore: BM25 full text over postings of its own (top-k, see
 * PostgresTextSearch), tag arrays with GIN,
 * pgvector (or a bounded exact scan) for vectors. Many service instances may use one
 * database at once: dedup relies on a unique key, reads lock rows in a fixed order.
 */
export class PostgresMemoryStore implements MemoryStore {
  readonly backend = 'postgres';
  readonly #db: PostgresDatabase;
  readonly #now: () => number;
  readonly #upserter: PostgresUpserter;
  readonly #text: PostgresTextSearch;

  constructor(db: PostgresDatabase, options: PostgresMemoryStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#upserter = new PostgresUpserter(db);
    this.#text = new PostgresTextSearch(db);
  }

  get vectors(): PostgresDatabase['vectors'] {
    return this.#db.vectors;
  }

  async store(scope: Scope, input: NewMemory, embedding: Float32Array | null): Promise<StoreResult> {
    return this.#db.pool.transaction((client) =>
      this.#upserter.upsertOne(client, scope, input, embedding, this.#now()),
    );
  }

  async importMany(
    memories: readonly ImportedMemory[],
    embeddings: ReadonlyArray<Float32Array | null>,
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }> {
    const counts = await this.#db.pool.transaction((client) =>
      this.#upserter.upsertMany(client, memories, embeddings, this.#now(), onProgress),
    );
    // Fresh statistics, or the planner keeps its empty-table estimates until autovacuum
    // comes round (a full sort instead of an index scan, seconds instead of milliseconds; for full text,
    // every posting of a word read instead of the head of its list).
    if (counts.created >= ANALYZE_AFTER_IMPORT) {
      const s = this.#db.schema;
      await this.#db.pool.query(`ANALYZE ${s}.memories, ${s}.memory_terms, ${s}.memory_term_stats`);
    }
    return counts;
  }

  pendingEmbeddings(namespace: string | undefined, limit: number): Promise<PendingEmbedding[]> {
    return pendingEmbeddings(this.#db, namespace, limit);
  }

  setEmbeddings(items: readonly EmbeddingInput[]): Promise<number> {
    return setEmbeddings(this.#db, items);
  }

  embeddingMigration(): EmbeddingMigration {
    return new PostgresEmbeddingMigration(this.#db);
  }

  async get(scope: Scope, id: string): Promise<Memory | null> {
    if (!isMemoryId(id)) return null;
    const p = new SqlParams();
    const hits = `SELECT m.seq, 0::float8 AS score FROM ${this.#db.schema}.memories m
      WHERE m.id = ${p.add(id)} AND ${visibleTo(scope, this.#now(), p)}`;
    const [memory] = await this.#readAndTouch({ sql: hits, params: p });
    if (!memory) return null;
    const plain: Memory & { score?: number } = { ...memory };
    delete plain.score;
    return plain;
  }

  async update(scope: Scope, id: string, patch: MemoryPatch): Promise<Memory | null> {
    return this.#db.pool.transaction((client) => this.#upserter.updateOne(client, scope, id, patch, this.#now()));
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    if (!isMemoryId(id)) return false;
    const p = new SqlParams();
    const owner = scope.admin ? '' : `AND agent_id = ${p.add(scope.agentId)}`;
    const { rowCount } = await this.#db.pool.query(
      `DELETE FROM ${this.#db.schema}.memories WHERE id = ${p.add(id)} AND namespace = ${p.add(scope.namespace)} ${owner}`,
      p.values,
    );
    return (rowCount ?? 0) > 0;
  }

  async search(scope: Scope, query: SearchQuery): Promise<ScoredMemory[]> {
    // A text of filler words only ("recall memories") lists instead of matching nothing.
    const terms = searchTerms(query.text, query.synonyms);
    const now = this.#now();
    if (terms.length > 0) {
      const hits = await this.#text.hits(
        scope.namespace,
        terms,
        query,
        (q) => `${visibleTo(scope, now, q)} ${this.#filters(query, q)}`,
      );
      return hits === null ? [] : this.#readAndTouch(hits);
    }
    const p = new SqlParams();
    const visible = visibleTo(scope, now, p);
    const filters = this.#filters(query, p);
    const recent = query.orderBy === 'recent';
    const sql = `SELECT m.seq, ${recent ? 'm.created_at' : 'm.importance'}::float8 AS score FROM ${this.#db.schema}.memories m
      WHERE ${visible} ${filters}
      ORDER BY ${recent ? 'm.created_at DESC' : 'm.importance DESC, m.created_at DESC'} LIMIT ${p.add(query.limit)}`;
    return this.#readAndTouch({ sql, params: p });
  }

  async nearest(scope: Scope, query: NearestQuery): Promise<ScoredMemory[]> {
    return this.#readAndTouch(await nearestHits(this.#db, scope, query, this.#now()));
  }

  async count(scope: Scope): Promise<number> {
    const p = new SqlParams();
    const { rows } = await this.#db.pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM ${this.#db.schema}.memories m WHERE ${visibleTo(scope, this.#now(), p)}`,
      p.values,
    );
    return Number(rows[0]!.count);
  }

  async *exportAll(namespace?: string): AsyncIterable<Memory> {
    let after = '0';
    for (;;) {
      const p = new SqlParams();
      const inNamespace = namespace === undefined ? '' : `AND namespace = ${p.add(namespace)}`;
      // Keyset pages: no cursor or connection held between pages while the caller consumes them.
      const { rows } = await this.#db.pool.query<MemoryRow>(
        `SELECT ${memoryColumns()} FROM ${this.#db.schema}.memories
         WHERE seq > ${p.add(after)} AND (expires_at IS NULL OR expires_at > ${p.add(this.#now())}) ${inNamespace}
         ORDER BY seq LIMIT ${EXPORT_PAGE}`,
        p.values,
      );
      for (const row of rows) yield toMemory(row);
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  async purgeExpired(): Promise<number> {
    const { rowCount } = await this.#db.pool.query(
      `DELETE FROM ${this.#db.schema}.memories WHERE expires_at IS NOT NULL AND expires_at <= $1`,
      [this.#now()],
    );
    return rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.#db.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    // The pool belongs to the database handle, closed by whoever opened it.
  }

  #filters(query: SearchQuery, p: SqlParams): string {
    const clauses: string[] = [];
    if (query.tags !== undefined && query.tags.length > 0) {
      clauses.push(`m.tags @> ${p.add(query.tags.map((t) => t.trim().toLowerCase()))}::text[]`);
    }
    if (query.minImportance !== undefined) clauses.push(`m.importance >= ${p.add(query.minImportance)}`);
    if (query.createdAfter !== undefined) clauses.push(`m.created_at >= ${p.add(query.createdAfter)}`);
    return clauses.map((c) => `AND ${c}`).join(' ');
  }

  /**
   * Runs a `(seq, score)` query and records the reads in the same statement. Rows are locked
   * in seq order so concurrent readers of overlapping rows cannot deadlock.
   */
  async #readAndTouch({ sql, params: p }: HitsQuery): Promise<ScoredMemory[]> {
    const s = this.#db.schema;
    const now = p.add(this.#now());
    const { rows } = await this.#db.pool.query<MemoryRow & { rank: string }>(
      `WITH hits AS MATERIALIZED (${sql}),
         ranked AS (SELECT seq, score, row_number() OVER () AS rank FROM hits),
         locked AS (SELECT seq FROM ${s}.memories WHERE seq IN (SELECT seq FROM ranked) ORDER BY seq FOR UPDATE),
         touched AS (UPDATE ${s}.memories u SET accessed_at = ${now}, access_count = u.access_count + 1
           FROM locked WHERE u.seq = locked.seq RETURNING ${memoryColumns('u')})
       SELECT touched.*, ranked.score, ranked.rank FROM touched JOIN ranked USING (seq) ORDER BY ranked.rank`,
      p.values,
    );
    return rows.map((row) => ({ ...toMemory(row), score: Number(row.score) }));
  }
}
