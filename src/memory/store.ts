/**
 * @module memory/store
 * The MemoryStore port. Every backend (SQLite, PostgreSQL) implements it and passes the
 * same contract suite (test/memory/memory-store-contract.ts).
 */

export const ACCESS_LEVELS = ['private', 'team', 'shared', 'public'] as const;
/**
 * Who may read a memory inside its namespace: `private` its agent only; `shared` its agent
 * and the agents in `sharedWith`; `team` and `public` every agent of the namespace.
 * Nothing is ever visible outside its namespace.
 */
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export interface Memory {
  id: string;
  namespace: string;
  agentId: string;
  content: string;
  tags: string[];
  metadata: Record<string, unknown>;
  /** 0 to 1. */
  importance: number;
  accessLevel: AccessLevel;
  sharedWith: string[];
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  accessedAt: string | null;
  accessCount: number;
  expiresAt: string | null;
  /** SHA-256 of the trimmed content: the same agent storing it again updates this memory. */
  contentHash: string;
}

/** A memory with the relevance that ranked it (higher is better; scale depends on the search). */
export interface ScoredMemory extends Memory {
  score: number;
}

/** Who is reading or writing. Reads see only this namespace, and in it only what `agentId` may see. */
export interface Scope {
  namespace: string;
  agentId: string;
  /** Sees every memory of the namespace regardless of owner (local CLI, administrators). */
  admin?: boolean;
}

export interface NewMemory {
  content: string;
  tags?: readonly string[];
  metadata?: Record<string, unknown>;
  /** @default 0.5 */
  importance?: number;
  /** @default 'private' */
  accessLevel?: AccessLevel;
  sharedWith?: readonly string[];
  /** Epoch milliseconds. */
  expiresAt?: number | null;
  /** Epoch milliseconds; imports keep the original time. */
  createdAt?: number;
}

/** A memory to import, with its own owner and namespace. */
export interface ImportedMemory extends NewMemory {
  namespace: string;
  agentId: string;
}

/**
 * A change to a stored memory (its content never changes: that is another memory). Every
 * field given replaces the stored one, tags and metadata included; omitted fields stay. An
 * access level other than `shared` given without `sharedWith` clears the list.
 */
export type MemoryPatch = Omit<NewMemory, 'content' | 'createdAt'>;

export interface StoreResult {
  memory: Memory;
  /** False when identical content of the same agent was updated instead. */
  created: boolean;
}

export interface SearchQuery {
  /** Full text: any topic word matches, ranked by BM25. Omit to list by `orderBy`. */
  text?: string;
  /** Further terms or phrases (a lexicon's synonyms of the text's words) that also match. */
  synonyms?: readonly string[];
  /** Every one of these tags must be present. */
  tags?: readonly string[];
  minImportance?: number;
  /** Epoch milliseconds, inclusive. */
  createdAfter?: number;
  limit: number;
  /** @default 'relevance' with text, else 'importance' */
  orderBy?: 'relevance' | 'importance' | 'recent';
}

/** A memory whose vector is still to be computed. */
export interface PendingEmbedding {
  id: string;
  content: string;
}

export interface EmbeddingInput {
  id: string;
  embedding: Float32Array;
}

export interface NearestQuery {
  embedding: Float32Array;
  limit: number;
  minImportance?: number;
  /** Epoch milliseconds, inclusive. */
  createdAfter?: number;
  /** Epoch milliseconds, exclusive. */
  createdBefore?: number;
}

/**
 * A re-embedding in progress: new vectors are written beside the current ones (which keep
 * serving searches) and switched in by one transaction, so readers never see a mix.
 * Progress is durable: after an interruption, start() with the same target resumes.
 */
export interface EmbeddingMigration {
  /** Begins or resumes re-embedding towards `target`; a different earlier target is discarded. */
  start(target: { id: string; dimensions: number }): Promise<{ total: number; done: number }>;
  /** Memories not yet re-embedded, in a stable order. */
  next(limit: number): Promise<PendingEmbedding[]>;
  write(items: readonly EmbeddingInput[]): Promise<void>;
  /** Switches to the new vectors if every memory has one; false if some still lack one (call next() again). */
  finish(): Promise<boolean>;
}

export interface MemoryStore {
  /** 'sqlite', 'postgres', ... */
  readonly backend: string;
  /**
   * Without an embedding (null) the memory is stored at once and listed by
   * pendingEmbeddings() until setEmbeddings() gives it one; full-text search finds it meanwhile.
   */
  store(scope: Scope, memory: NewMemory, embedding: Float32Array | null): Promise<StoreResult>;
  /**
   * Imports in one transaction: all or nothing. Returns how many were created and updated;
   * `onProgress` hears how many are done now and then. A null embedding leaves that memory pending.
   */
  importMany(
    memories: readonly ImportedMemory[],
    embeddings: ReadonlyArray<Float32Array | null>,
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }>;
  /** Memories waiting for their vector, oldest first; of one namespace, or of all when omitted. */
  pendingEmbeddings(namespace: string | undefined, limit: number): Promise<PendingEmbedding[]>;
  /** Gives pending memories their vectors; ignores ids no longer pending. Returns how many were set. */
  setEmbeddings(items: readonly EmbeddingInput[]): Promise<number>;
  /** Re-computes every vector with another embedder, resumably, switching over atomically. */
  embeddingMigration(): EmbeddingMigration;
  get(scope: Scope, id: string): Promise<Memory | null>;
  /** Only the owner (or an admin scope) may update; null when no such live memory is theirs. */
  update(scope: Scope, id: string, patch: MemoryPatch): Promise<Memory | null>;
  /** Only the owner (or an admin scope) may delete. Returns false if nothing visible was deleted. */
  delete(scope: Scope, id: string): Promise<boolean>;
  search(scope: Scope, query: SearchQuery): Promise<ScoredMemory[]>;
  /** Vector neighbours; `score` is the cosine similarity. */
  nearest(scope: Scope, query: NearestQuery): Promise<ScoredMemory[]>;
  /** Memories visible to the scope. */
  count(scope: Scope): Promise<number>;
  /** Every live memory of a namespace (all namespaces if omitted), oldest first. */
  exportAll(namespace?: string): AsyncIterable<Memory>;
  /** Deletes expired memories; returns how many. */
  purgeExpired(): Promise<number>;
  /**
   * Optional: loads ahead what the first vector search of a namespace would (an index kept in
   * process), so a server's first search does not pay for it. Stores without one leave it out.
   */
  warm?(namespace: string): Promise<void>;
  /** Throws StoreUnavailableError if the backend cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
