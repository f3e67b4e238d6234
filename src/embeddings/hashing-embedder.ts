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
      this.#add(vector, `w:${word}`, WORD_WEIGHT);
      const next = tokens[i + 1];
      if (next !== undefined) this.#add(vector, `b:${word} ${next}`, BIGRAM_WEIGHT);
      const padded = `^${word}$`;
      const trigrams = padded.length - 2;
      for (let j = 0; j < trigrams; j++) this.#add(vector, `t:${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT / trigrams);
    }
    return toUnitLength(vector);
  }

  #add(vector: Float32Array, feature: string, weight: number): void {
    const hash = fnv1a(feature);
    const index = hash % this.dimensions;
    // The top bit picks the sign, so colliding features cancel out on average instead of piling up.
    vector[index]! += hash & 0x80000000 ? -weight : weight;
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
