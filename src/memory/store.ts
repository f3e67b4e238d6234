/**
 * @module memory/store
 * The MemoryStore port. Every backend (SQLite, PostgreSQL) implements it and passes the
 * same contract suite (memoryStoreSuite, exported as tmws-patterns/testing).
 */

import type { MemoryRecord } from './memory-record.js';

export { ACCESS_LEVELS, type AccessLevel } from './memory-record.js';

/** A stored memory: its fields and rules are declared once, in memory-record.ts. */
export type Memory = MemoryRecord;

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

/** The fields of the record a writer sets, as the store takes them (checked, times in epoch ms). */
type WrittenFields = Pick<MemoryRecord, 'metadata' | 'importance' | 'accessLevel'>;

export interface NewMemory extends Partial<WrittenFields> {
  content: string;
  tags?: readonly string[];
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
 * A change to a stored memory. Every field given replaces the stored one, content, tags and
 * metadata included; omitted fields stay. An access level other than `shared` given without
 * `sharedWith` clears the list. New content gets a new vector (pending until computed).
 */
export type MemoryPatch = Partial<Pick<NewMemory, 'content'>> & Omit<NewMemory, 'content' | 'createdAt'>;

/** What was done to a memory when one of its versions was kept. */
export type MemoryChange = 'update' | 'delete' | 'restore';

/**
 * A memory as it was before a change: kept in its history (retained for a while, see
 * pruneHistory) so the change can be undone with restore().
 */
export interface MemoryVersion {
  /** 1 for the state before the memory's first change, then upwards. */
  version: number;
  /** The change that replaced (or deleted) this state. */
  change: MemoryChange;
  /** ISO 8601. */
  changedAt: string;
  /** The agent whose request made the change. */
  changedBy: string;
  memory: Memory;
}

export interface TagCount {
  tag: string;
  count: number;
}

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
  /** Created at or after, epoch milliseconds. */
  createdAfter?: number;
  /** Created before, epoch milliseconds. */
  createdBefore?: number;
  /** Only the scope's agent's own memories, never another agent's team, shared or public ones. */
  ownOnly?: boolean;
  limit: number;
  /** @default 'relevance' with text, else 'importance' */
  orderBy?: 'relevance' | 'importance' | 'least-important' | 'recent' | 'oldest';
}

/** Which memories a count or a tag listing covers: a search without its order and size. */
export type MemoryFilter = Omit<SearchQuery, 'limit' | 'orderBy'>;

/** A memory whose vector is still to be computed. */
export interface PendingEmbedding {
  id: string;
  content: string;
}

export interface EmbeddingInput {
  id: string;
  embedding: Float32Array;
}

export interface NearestQuery extends Pick<
  SearchQuery,
  'tags' | 'minImportance' | 'createdAfter' | 'createdBefore' | 'ownOnly'
> {
  embedding: Float32Array;
  limit: number;
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
  /**
   * Only the owner (or an admin scope) may update; null when no such live memory is theirs.
   * The state before is kept in the memory's history. New content the same agent already
   * stored in another memory throws MemoryConflictError.
   */
  update(scope: Scope, id: string, patch: MemoryPatch): Promise<Memory | null>;
  /** Only the owner (or an admin scope) may delete. Returns false if nothing visible was deleted. */
  delete(scope: Scope, id: string): Promise<boolean>;
  /**
   * Deletes, in one transaction, those of `ids` the scope's agent owns (any, for an admin
   * scope), keeping each in its history; returns them as they were.
   */
  deleteMany(scope: Scope, ids: readonly string[]): Promise<Memory[]>;
  /** Renames a tag on the scope's agent's own live memories (history kept); returns them as they are now. */
  renameTag(scope: Scope, from: string, to: string): Promise<Memory[]>;
  /** The kept versions of a memory the scope's agent owns (deleted or not), newest first; [] if none. */
  history(scope: Scope, id: string): Promise<MemoryVersion[]>;
  /**
   * Brings a kept version back (the latest when `version` is omitted): a deleted memory
   * returns under its id, a changed one takes that version's fields (its current state kept in
   * turn). Null when the scope's agent has no such version. MemoryConflictError when the same
   * agent has since stored that content in another memory.
   */
  restore(scope: Scope, id: string, version?: number): Promise<Memory | null>;
  /** Forgets versions kept before `before` (epoch ms); returns how many. */
  pruneHistory(before: number): Promise<number>;
  search(scope: Scope, query: SearchQuery): Promise<ScoredMemory[]>;
  /** Vector neighbours; `score` is the cosine similarity. */
  nearest(scope: Scope, query: NearestQuery): Promise<ScoredMemory[]>;
  /** Memories visible to the scope (that match the filter, when given: any of the text's words). */
  count(scope: Scope, filter?: MemoryFilter): Promise<number>;
  /** The tags of the memories visible to the scope (that match the filter), most used first, then by name. */
  tagCounts(scope: Scope, filter: Omit<MemoryFilter, 'text' | 'synonyms'>, limit: number): Promise<TagCount[]>;
  /** Every live memory of a namespace (all namespaces if omitted), oldest first. */
  exportAll(namespace?: string): AsyncIterable<Memory>;
  /** Deletes expired memories; returns how many. */
  purgeExpired(): Promise<number>;
  /**
   * Optional: loads ahead what the first search of a namespace would (indexes kept in process:
   * vectors, full text), so a server's first searches do not pay for them. Stores without any
   * leave it out.
   */
  warm?(namespace: string): Promise<void>;
  /** Throws StoreUnavailableError if the backend cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
