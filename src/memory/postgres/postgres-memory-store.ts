import { searchTerms } from '../records.js';
import type {
  EmbeddingInput,
  EmbeddingMigration,
  ImportedMemory,
  Memory,
  MemoryFilter,
  MemoryPatch,
  MemoryStore,
  MemoryVersion,
  NearestQuery,
  NewMemory,
  PendingEmbedding,
  Scope,
  ScoredMemory,
  SearchQuery,
  StoreResult,
  TagCount,
} from '../store.js';
import {
  SqlParams,
  filterConditions,
  isMemoryId,
  memoryColumns,
  toMemory,
  visibleTo,
  type MemoryRow,
} from './memory-rows.js';
import { PostgresChanges } from './postgres-changes.js';
import { PostgresHistory } from './postgres-history.js';
import { UNANSWERED, windowedHits } from './postgres-window-search.js';
import type { PostgresDatabase } from './postgres-database.js';
import { PostgresUpserter } from './postgres-upsert.js';
import { PostgresTextSearch } from './postgres-text-search.js';
import { PostgresEmbeddingMigration } from './postgres-embedding-migration.js';
import { nearestHits, pendingEmbeddings, setEmbeddings, type HitsQuery } from './postgres-vectors.js';

const EXPORT_PAGE = 500;
/** How a listing without text is ordered, and the score each memory carries. */
const LIST_ORDER = {
  importance: { score: 'm.importance', sort: 'm.importance DESC, m.created_at DESC' },
  'least-important': { score: 'm.importance', sort: 'm.importance ASC, m.created_at DESC' },
  recent: { score: 'm.created_at', sort: 'm.created_at DESC' },
  oldest: { score: 'm.created_at', sort: 'm.created_at ASC' },
} as const;
/** An import creating this many memories vacuums and analyzes the tables it filled. */
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
  readonly #changes: PostgresChanges;
  readonly #history: PostgresHistory;
  readonly #text: PostgresTextSearch;

  constructor(db: PostgresDatabase, options: PostgresMemoryStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#history = new PostgresHistory(db);
    this.#changes = new PostgresChanges(db, this.#history);
    this.#upserter = new PostgresUpserter(db, this.#changes, this.#history);
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
    // every posting of a word read instead of the head of its list). VACUUM also marks the new
    // pages all-visible, so index-only scans of the postings (a windowed search) skip the heap.
    if (counts.created >= ANALYZE_AFTER_IMPORT) {
      const s = this.#db.schema;
      await this.#db.pool.query(`VACUUM (ANALYZE) ${s}.memories, ${s}.memory_terms, ${s}.memory_term_stats`);
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
    return this.#db.pool.transaction((client) => this.#changes.update(client, scope, id, patch, this.#now()));
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    return (await this.deleteMany(scope, [id])).length > 0;
  }

  async deleteMany(scope: Scope, ids: readonly string[]): Promise<Memory[]> {
    return this.#db.pool.transaction((client) => this.#changes.deleteMany(client, scope, ids, this.#now()));
  }

  async renameTag(scope: Scope, from: string, to: string): Promise<Memory[]> {
    return this.#db.pool.transaction((client) => this.#changes.renameTag(client, scope, from, to, this.#now()));
  }

  async history(scope: Scope, id: string): Promise<MemoryVersion[]> {
    return this.#history.list(scope, id);
  }

  async restore(scope: Scope, id: string, version?: number): Promise<Memory | null> {
    return this.#db.pool.transaction((client) => this.#changes.restore(client, scope, id, version, this.#now()));
  }

  pruneHistory(before: number): Promise<number> {
    return this.#history.prune(before);
  }

  async search(scope: Scope, query: SearchQuery): Promise<ScoredMemory[]> {
    // A text of filler words only ("recall memories") lists instead of matching nothing.
    const terms = searchTerms(query.text, query.synonyms);
    const now = this.#now();
    if (terms.length > 0) {
      // A window's own postings first; a window holding too many to read goes the ranked way.
      const windowed = windowedHits(this.#db, scope, terms, query, now);
      const inWindow = windowed && (await this.#read(windowed));
      if (inWindow && inWindow.answered) return inWindow.memories;
      const hits = await this.#text.hits(
        scope.namespace,
        terms,
        query,
        (q) => `${visibleTo(scope, now, q)} ${filterConditions(query, scope, q)}`,
      );
      return hits === null ? [] : this.#readAndTouch(hits);
    }
    const p = new SqlParams();
    const visible = visibleTo(scope, now, p);
    const filters = filterConditions(query, scope, p);
    const order = query.orderBy === undefined || query.orderBy === 'relevance' ? 'importance' : query.orderBy;
    const { score, sort } = LIST_ORDER[order];
    const sql = `SELECT m.seq, ${score}::float8 AS score FROM ${this.#db.schema}.memories m
      WHERE ${visible} ${filters} ORDER BY ${sort} LIMIT ${p.add(query.limit)}`;
    return this.#readAndTouch({ sql, params: p });
  }

  async nearest(scope: Scope, query: NearestQuery): Promise<ScoredMemory[]> {
    return this.#readAndTouch(await nearestHits(this.#db, scope, query, this.#now()));
  }

  async count(scope: Scope, filter: MemoryFilter = {}): Promise<number> {
    const p = new SqlParams();
    const conditions = `${visibleTo(scope, this.#now(), p)} ${filterConditions(filter, scope, p)}`;
    const terms = searchTerms(filter.text, filter.synonyms);
    // Any of the text's stemmed words, read from the postings the store keeps (see PostgresTextSearch).
    const matching =
      terms.length === 0
        ? ''
        : `AND m.seq IN (SELECT t.seq FROM ${this.#db.schema}.memory_terms t
             WHERE t.namespace = ${p.add(scope.namespace)}
               AND t.term IN (SELECT lexeme FROM unnest(to_tsvector('english', ${p.add(terms.join(' '))}))))`;
    const { rows } = await this.#db.pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM ${this.#db.schema}.memories m WHERE ${conditions} ${matching}`,
      p.values,
    );
    return Number(rows[0]!.count);
  }

  async tagCounts(scope: Scope, filter: Omit<MemoryFilter, 'text' | 'synonyms'>, limit: number): Promise<TagCount[]> {
    const p = new SqlParams();
    const conditions = `${visibleTo(scope, this.#now(), p)} ${filterConditions(filter, scope, p)}`;
    const { rows } = await this.#db.pool.query<{ tag: string; count: string }>(
      `SELECT tag, count(*) AS count FROM ${this.#db.schema}.memories m CROSS JOIN unnest(m.tags) AS tag
       WHERE ${conditions} GROUP BY tag ORDER BY count(*) DESC, tag LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
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

  async #readAndTouch(hits: HitsQuery): Promise<ScoredMemory[]> {
    return (await this.#read(hits)).memories;
  }

  /**
   * Runs a `(seq, score)` query and records the reads in the same statement. Rows are locked
   * in seq order so concurrent readers of overlapping rows cannot deadlock. `answered` is false
   * when the query gave the UNANSWERED row (postgres-window-search.ts).
   */
  async #read({ sql, params: p }: HitsQuery): Promise<{ memories: ScoredMemory[]; answered: boolean }> {
    const s = this.#db.schema;
    const now = p.add(this.#now());
    const { rows } = await this.#db.pool.prepared<MemoryRow & { hit: string; rank: string }>(
      `WITH hits AS MATERIALIZED (${sql}),
         ranked AS (SELECT seq, score, row_number() OVER () AS rank FROM hits),
         locked AS (SELECT seq FROM ${s}.memories WHERE seq IN (SELECT seq FROM ranked) ORDER BY seq FOR UPDATE),
         touched AS (UPDATE ${s}.memories u SET accessed_at = ${now}, access_count = u.access_count + 1
           FROM locked WHERE u.seq = locked.seq RETURNING ${memoryColumns('u')})
       SELECT touched.*, ranked.seq AS hit, ranked.score, ranked.rank
       FROM ranked LEFT JOIN touched ON touched.seq = ranked.seq ORDER BY ranked.rank`,
      p.values,
    );
    // A hit without a row: the UNANSWERED mark, or a memory deleted since the hits were read.
    const found = rows.filter((row) => row.id !== null);
    return {
      memories: found.map((row) => ({ ...toMemory(row), score: Number(row.score) })),
      answered: !rows.some((row) => Number(row.hit) === UNANSWERED),
    };
  }
}
