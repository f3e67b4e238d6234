import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { preferredBatchSize, type Embedder } from '../embeddings/embedder.js';
import type { ImportedMemory, MemoryStore, NewMemory, Scope, StoreResult } from './store.js';

/** Texts embedded per batch behind the writes, unless the embedder asks for more (see Embedder.batchSize). */
const BATCH = 32;
/** Writes arriving within this window are embedded together. */
const DEBOUNCE_MS = 20;
/**
 * A vector search waits for at most this many pending vectors of its namespace (about a second
 * of the local model's time on one thread, half that on two). A larger backlog, left
 * by a bulk import, would stall the search for minutes: it is embedded in the background
 * instead, and full text finds those memories meanwhile.
 */
export const SETTLE_AT_MOST = 64;
/** Query vectors kept: a repeated query (after a write invalidated its cached result) skips the model. 2 MiB at 512-d. */
const QUERY_VECTORS = 1000;

export interface EmbeddingBacklogOptions {
  /**
   * Embed pending memories in the background after writes. Off for one-shot processes (the
   * CLI): their writes stay pending, durable, until a process needs vectors. @default true
   */
  background?: boolean;
  /** The text the embedder is shown for a memory or a query (e.g. Lexicon.forEmbedding). @default as is */
  prepare?: (text: string) => string;
  logger?: Logger;
}

/**
 * Keeps a slow embedder (a model, a remote API) off the write path. Writes are stored at
 * once without a vector and listed as pending by the store; their vectors are computed in
 * batches behind them. A vector search first settles its namespace's backlog, so it sees
 * every write made before it (read-your-writes), whichever process made it, unless the
 * backlog is a bulk import's (see SETTLE_AT_MOST). A cheap embedder (hashing) embeds inline
 * instead.
 */
export class EmbeddingBacklog {
  readonly #store: MemoryStore;
  readonly #embedder: Embedder;
  readonly #background: boolean;
  readonly #logger: Logger | undefined;
  readonly #prepare: (text: string) => string;
  readonly #batchSize: number;
  readonly #queryVectors = new LRUCache<string, Float32Array>({ max: QUERY_VECTORS });
  /** One batch at a time: background and settling batches never embed the same memory twice. */
  #lock: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;

  constructor(store: MemoryStore, embedder: Embedder, options: EmbeddingBacklogOptions = {}) {
    this.#store = store;
    this.#embedder = embedder;
    this.#background = options.background ?? true;
    this.#logger = options.logger;
    this.#prepare = options.prepare ?? ((text) => text);
    this.#batchSize = preferredBatchSize(embedder, BATCH);
  }

  get deferred(): boolean {
    return this.#embedder.deferred === true;
  }

  async store(scope: Scope, memory: NewMemory): Promise<StoreResult> {
    if (!this.deferred) {
      return this.#store.store(scope, memory, await this.#embedder.embed(this.#prepare(memory.content)));
    }
    const result = await this.#store.store(scope, memory, null);
    if (result.created) this.#schedule();
    return result;
  }

  /**
   * Imports all or nothing. A cheap embedder embeds first; a slow one leaves the imported
   * memories pending and `embedPending` computes their vectors in batches afterwards.
   */
  async importMany(
    memories: readonly ImportedMemory[],
    onProgress?: (done: number) => void,
  ): Promise<{ created: number; updated: number }> {
    const embeddings = this.deferred
      ? memories.map(() => null)
      : await this.#embedder.embedBatch(memories.map((m) => this.#prepare(m.content)));
    const counts = await this.#store.importMany(memories, embeddings, onProgress);
    if (this.deferred && counts.created > 0) this.#schedule();
    return counts;
  }

  /**
   * Computes every pending vector (of one namespace, or all) now; `onBatch` hears how many each
   * batch did. Once `signal` aborts it stops after the batch in progress: the rest stay pending.
   */
  async embedPending(namespace?: string, onBatch?: (count: number) => void, signal?: AbortSignal): Promise<number> {
    let total = 0;
    while (!signal?.aborted) {
      const done = await this.#embedBatch(namespace);
      if (done === 0) return total;
      total += done;
      onBatch?.(done);
    }
    return total;
  }

  /** The query's vector, once everything written to the namespace so far has one. */
  async queryVector(namespace: string, text: string): Promise<Float32Array> {
    if (this.deferred) await this.#settle(namespace);
    const prepared = this.#prepare(text);
    let vector = this.#queryVectors.get(prepared);
    if (!vector) {
      vector = await this.#embedder.embed(prepared);
      this.#queryVectors.set(prepared, vector);
    }
    return vector;
  }

  /** Read-your-writes for vectors, when the namespace's backlog is small enough to wait for. */
  async #settle(namespace: string): Promise<void> {
    const pending = await this.#store.pendingEmbeddings(namespace, SETTLE_AT_MOST + 1);
    if (pending.length === 0) return; // the usual case: one indexed query, nothing to wait for
    if (pending.length <= SETTLE_AT_MOST) {
      await this.embedPending(namespace);
      return;
    }
    this.#logger?.info(
      { namespace, embedder: this.#embedder.id },
      `over ${SETTLE_AT_MOST} memories await vectors; searching without them while they are computed`,
    );
    this.#schedule();
  }

  /** The text the embedder is shown for `text`. */
  prepare(text: string): string {
    return this.#prepare(text);
  }

  /** Stops background work; waits for the batch in progress. Pending memories stay pending. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#draining?.catch(() => undefined);
  }

  #schedule(): void {
    if (!this.#background || this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#draining = this.#drainInBackground().finally(() => (this.#draining = undefined));
    }, DEBOUNCE_MS);
    this.#timer.unref();
  }

  async #drainInBackground(): Promise<void> {
    try {
      while (!this.#closed && (await this.#embedBatch(undefined)) > 0);
    } catch (error) {
      // Nothing is lost: the memories stay pending, and the next search or write tries again.
      this.#logger?.warn({ err: error, embedder: this.#embedder.id }, 'embedding pending memories failed');
    }
  }

  /** One batch of pending memories; returns how many it embedded. */
  #embedBatch(namespace: string | undefined): Promise<number> {
    const run = this.#lock.then(async () => {
      const pending = await this.#store.pendingEmbeddings(namespace, this.#batchSize);
      if (pending.length === 0) return 0;
      const vectors = await this.#embedder.embedBatch(pending.map((p) => this.#prepare(p.content)));
      await this.#store.setEmbeddings(pending.map((p, i) => ({ id: p.id, embedding: vectors[i]! })));
      return pending.length;
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }
}
