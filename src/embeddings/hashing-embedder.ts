import { stem, words } from '../text.js';
import type { Embedder } from './embedder.js';
import { toUnitLength } from './unit-length.js';

export interface HashingEmbedderOptions {
  /** @default 256 */
  dimensions?: number;
}

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
/** Shared by all trigrams of one word, so long words do not outweigh short ones. */
const TRIGRAM_WEIGHT = 0.6;

/**
 * The built-in embedder: needs no model download and costs microseconds per text.
 * It hashes words, word pairs and character trigrams into a signed feature vector
 * ("feature hashing"), so cosine similarity measures shared vocabulary and word forms
 * ("caching" ~ "cache", "pool" ~ "pooling"), not meaning: it cannot tell that "car"
 * and "automobile" are related. Plug in a model-backed Embedder for that.
 */
export class HashingEmbedder implements Embedder {
  readonly dimensions: number;
  readonly id: string;
  readonly semantic = false;

  constructor(options: HashingEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 256;
    if (!Number.isInteger(this.dimensions) || this.dimensions < 16 || this.dimensions > 4096) {
      throw new RangeError(`dimensions: expected an integer from 16 to 4096, got ${this.dimensions}`);
    }
    this.id = `hashing-v1-${this.dimensions}`;
  }

  embed(text: string): Promise<Float32Array> {
    return Promise.resolve(this.embedSync(text));
  }

  embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((t) => this.embedSync(t)));
  }

  embedSync(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const tokens = words(text).map(stem);
    for (const [i, word] of tokens.entries()) {
      this.#add(vector, fnv(WORD_PREFIX, word), WORD_WEIGHT);
      const next = tokens[i + 1];
      if (next !== undefined) this.#add(vector, fnv(fnv(fnv(BIGRAM_PREFIX, word), ' '), next), BIGRAM_WEIGHT);
      const padded = `^${word}$`;
      const trigrams = padded.length - 2;
      for (let j = 0; j < trigrams; j++) {
        this.#add(vector, fnv(TRIGRAM_PREFIX, padded, j, j + 3), TRIGRAM_WEIGHT / trigrams);
      }
    }
    return toUnitLength(vector);
  }

  /** `state` is a feature's FNV-1a state (see fnv): the hash picks the dimension and the sign. */
  #add(vector: Float32Array, state: number, weight: number): void {
    const hash = state >>> 0;
    const index = hash % this.dimensions;
    // The top bit picks the sign, so colliding features cancel out on average instead of piling up.
    vector[index]! += hash & 0x80000000 ? -weight : weight;
  }
}

/**
 * FNV-1a (32-bit) over `text[from..to)`, continuing from `state`: a feature ("w:" + word,
 * "b:" + word + " " + next, "t:" + trigram) is hashed part by part, never built as a string.
 */
function fnv(state: number, text: string, from = 0, to = text.length): number {
  let hash = state;
  for (let i = from; i < to; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}

const FNV_OFFSET = 0x811c9dc5;
const WORD_PREFIX = fnv(FNV_OFFSET, 'w:');
const BIGRAM_PREFIX = fnv(FNV_OFFSET, 'b:');
const TRIGRAM_PREFIX = fnv(FNV_OFFSET, 't:');
