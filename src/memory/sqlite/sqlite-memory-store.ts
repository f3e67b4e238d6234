import type { Transaction } from 'better-sqlite3';
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
import { AccessCounts } from './access-counts.js';
import type { SqliteDatabase } from './database.js';
import { NamespaceRanges } from './namespace-ranges.js';
import { toMemory, type MemoryRow } from './rows.js';
import { SqliteEmbeddingMigration } from './sqlite-embedding-migration.js';
import { guarded } from './sqlite-errors.js';
import { SqliteHistory } from './sqlite-history.js';
import { SqliteMemoryReads } from './sqlite-memory-reads.js';
import { SqliteMemoryWrites } from './sqlite-memory-writes.js';
import { SqliteTextSearch } from './sqlite-text-search.js';
import { SqliteVectors } from './sqlite-vectors.js';
import { Statements } from './statements.js';

const EXPORT_PAGE = 500;
const PROGRESS_EVERY = 500;
/** Page cache of an import's transaction, KiB (the usual is 2 MiB, see database.ts). */
const IMPORT_CACHE_KIB = 64 * 1024;

export interface SqliteMemoryStoreOptions {
  /** Epoch-millisecond clock; tests move it to expire memories. */
  now?: () => number;
}

/**
 * The embedded MemoryStore: one SQLite file; an in-process BM25 index beside FTS5 for text,
 * an in-process int8 vector index (loaded per namespace from the memory_vectors table) for
 * k-NN. Writes
 * (sqlite-memory-writes.ts) run in one write transaction each; reads
 * (sqlite-memory-reads.ts) never take the write lock.
 */
export class SqliteMemoryStore implements MemoryStore {
  readonly backend = 'sqlite';
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #statements: Statements;
  readonly #text: SqliteTextSearch;
  readonly #vectors: SqliteVectors;
  readonly #namespaces: NamespaceRanges;
  readonly #accesses: AccessCounts;
  readonly #history: SqliteHistory;
  readonly #reads: SqliteMemoryReads;
  readonly #writes: SqliteMemoryWrites;
  readonly #transaction: Transaction<(operation: () => unknown) => unknown>;

  constructor(db: SqliteDatabase, options: SqliteMemoryStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#statements = new Statements(db);
    this.#text = new SqliteTextSearch(db);
    this.#vectors = new SqliteVectors(db);
    this.#namespaces = new NamespaceRanges(db);
    this.#accesses = new AccessCounts(db, () => this.#write(() => {}));
    this.#history = new SqliteHistory(db);
    const parts = {
      statements: this.#statements,
      text: this.#text,
      vectors: this.#vectors,
      namespaces: this.#namespaces,
      accesses: this.#accesses,
      now: this.#now,
    };
    this.#reads = new SqliteMemoryReads(parts);
    this.#writes = new SqliteMemoryWrites({ ...parts, history: this.#history });
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
      const { rowid, created } = this.#writes.upsert(scope, input, embedding);
      return { memory: this.#writes.byRowid(rowid), created };
    });
  }

  async importMany(
    memories: readonly ImportedMemory[],
    embeddings: ReadonlyArray<Float32Array | null>,
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }> {
    // Its pages stay in memory until it commits instead of spilling to the WAL and being read
    // back (10,000 memories: ~16,000 page writes and 10,000 reads with the usual 2 MiB).
    return guarded(() => {
      const cacheSize = this.#db.pragma('cache_size', { simple: true }) as number;
      this.#db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
      try {
        return this.#importAll(memories, embeddings, onProgress);
      } finally {
        this.#db.pragma(`cache_size = ${cacheSize}`); // frees the pages over the usual size
      }
    });
  }

  #importAll(
    memories: readonly ImportedMemory[],
    embeddings: ReadonlyArray<Float32Array | null>,
    onProgress?: (done: number) => void,
  ): { created: number; updated: number } {
    return this.#write(() => {
      let created = 0;
      memories.forEach((memory, i) => {
        const scope = { namespace: memory.namespace, agentId: memory.agentId };
        if (this.#writes.upsert(scope, memory, embeddings[i] ?? null).created) created++;
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
    return guarded(() => this.#reads.get(scope, id));
  }

  async update(scope: Scope, id: string, patch: MemoryPatch): Promise<Memory | null> {
    return this.#write(() => this.#writes.update(scope, id, patch));
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    return (await this.deleteMany(scope, [id])).length > 0;
  }

  async deleteMany(scope: Scope, ids: readonly string[]): Promise<Memory[]> {
    return this.#write(() => this.#writes.deleteMany(scope, ids));
  }

  async renameTag(scope: Scope, from: string, to: string): Promise<Memory[]> {
    return this.#write(() => this.#writes.renameTag(scope, from, to));
  }

  async history(scope: Scope, id: string): Promise<MemoryVersion[]> {
    return guarded(() => this.#history.list(scope, id));
  }

  async restore(scope: Scope, id: string, version?: number): Promise<Memory | null> {
    return this.#write(() => this.#writes.restore(scope, id, version));
  }

  async pruneHistory(before: number): Promise<number> {
    return this.#write(() => this.#history.prune(before));
  }

  async search(scope: Scope, query: SearchQuery): Promise<ScoredMemory[]> {
    return guarded(() => this.#reads.search(scope, query));
  }

  async nearest(scope: Scope, query: NearestQuery): Promise<ScoredMemory[]> {
    return guarded(() => this.#reads.nearest(scope, query));
  }

  async count(scope: Scope, filter?: MemoryFilter): Promise<number> {
    return guarded(() => this.#reads.count(scope, filter));
  }

  async tagCounts(scope: Scope, filter: Omit<MemoryFilter, 'text' | 'synonyms'>, limit: number): Promise<TagCount[]> {
    return guarded(() => this.#reads.tagCounts(scope, filter, limit));
  }

  async *exportAll(namespace?: string): AsyncIterable<Memory> {
    const page = this.#statements.get(
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
    return this.#write(() => this.#writes.purgeExpired());
  }

  async warm(namespace: string): Promise<void> {
    guarded(() => {
      this.#vectors.warm(namespace);
      // The in-process full-text index too: at 100,000 memories it takes seconds to build, and
      // searches meanwhile are ranked by FTS5 (100-500 ms for a common word).
      const range = this.#namespaces.find(namespace);
      if (range) this.#text.warm(namespace, range);
    });
  }

  async ping(): Promise<void> {
    guarded(() => this.#statements.get('SELECT 1').get());
  }

  async close(): Promise<void> {
    this.#accesses.stop();
    if (this.#accesses.size > 0) this.#write(() => {});
    this.#statements.clear();
    this.#text.close();
    this.#vectors.close();
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
