/**
 * The postings of one namespace's terms: for each term, the documents holding it (dense doc
 * ids, ascending) with a frequency code (2 × occurrences in content + occurrences in tags, so
 * FTS5's column weights 1 and 0.5 stay integers).
 *
 * Two parts: a sealed segment, varint-encoded in blocks of BLOCK postings with each block's
 * largest BM25 factor at the average length of sealing time (the bound a query may skip a
 * block by: at a larger average A a factor grows at most by A / A₀), and the
 * postings added since, kept as plain arrays until they are worth sealing. Documents only
 * ever get larger ids, so a term's sealed postings followed by its new ones stay in order.
 */

import { termFactor } from './bm25.js';

export const BLOCK = 128;
/** Float32 rounds to nearest: bounds are raised by this much so they stay bounds. */
const ROUND_UP = 1 + 2 ** -20;

/** Growable typed array helpers (capacity doubles). */
function grow<T extends Uint8Array | Uint32Array | Float32Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const copy = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  copy.set(array);
  return copy;
}

export class SealedPostings {
  /** Per term, its first block; term t's blocks are termBlocks[t] .. termBlocks[t + 1] - 1. */
  readonly termBlocks: Uint32Array;
  readonly blockOffset: Uint32Array;
  readonly blockLastDoc: Uint32Array;
  readonly blockCount: Uint8Array;
  readonly blockMaxFactor: Float32Array;
  readonly bytes: Uint8Array;
  readonly postings: number;
  /** The namespace's average length when the factors were computed. */
  readonly averageLength: number;

  constructor(parts: {
    termBlocks: Uint32Array;
    blockOffset: Uint32Array;
    blockLastDoc: Uint32Array;
    blockCount: Uint8Array;
    blockMaxFactor: Float32Array;
    bytes: Uint8Array;
    postings: number;
    averageLength: number;
  }) {
    this.termBlocks = parts.termBlocks;
    this.blockOffset = parts.blockOffset;
    this.blockLastDoc = parts.blockLastDoc;
    this.blockCount = parts.blockCount;
    this.blockMaxFactor = parts.blockMaxFactor;
    this.bytes = parts.bytes;
    this.postings = parts.postings;
    this.averageLength = parts.averageLength;
  }

  static empty(): SealedPostings {
    return new SealedPostings({
      termBlocks: new Uint32Array(1),
      blockOffset: new Uint32Array(0),
      blockLastDoc: new Uint32Array(0),
      blockCount: new Uint8Array(0),
      blockMaxFactor: new Float32Array(0),
      bytes: new Uint8Array(0),
      postings: 0,
      averageLength: 1,
    });
  }

  get byteLength(): number {
    return (
      this.termBlocks.byteLength + this.blockOffset.byteLength * 3 + this.blockCount.byteLength + this.bytes.byteLength
    );
  }

  blocksOf(term: number): [first: number, end: number] {
    if (term + 1 >= this.termBlocks.length) return [0, 0];
    return [this.termBlocks[term]!, this.termBlocks[term + 1]!];
  }

  /** Decodes block b into docs/frequencies; returns its posting count. */
  decode(block: number, firstBlock: number, docs: Uint32Array, frequencies: Uint32Array): number {
    const bytes = this.bytes;
    let at = this.blockOffset[block]!;
    let doc = block === firstBlock ? 0 : this.blockLastDoc[block - 1]!;
    const count = this.blockCount[block]! || BLOCK;
    for (let i = 0; i < count; i++) {
      let value = 0;
      let shift = 1;
      for (;;) {
        const byte = bytes[at++]!;
        value += (byte & 0x7f) * shift;
        if (byte < 0x80) break;
        shift *= 128;
      }
      doc += Math.floor(value / 2);
      docs[i] = doc;
      if (value % 2 === 0) {
        frequencies[i] = 2;
      } else {
        let frequency = 0;
        shift = 1;
        for (;;) {
          const byte = bytes[at++]!;
          frequency += (byte & 0x7f) * shift;
          if (byte < 0x80) break;
          shift *= 128;
        }
        frequencies[i] = frequency;
      }
    }
    return count;
  }
}

/** Writes a sealed segment term by term (terms in id order, each term's docs ascending). */
export class SealedPostingsWriter {
  #termBlocks: Uint32Array;
  #blockOffset = new Uint32Array(1024);
  #blockLastDoc = new Uint32Array(1024);
  #blockCount = new Uint8Array(1024);
  #blockMaxFactor = new Float32Array(1024);
  #bytes = new Uint8Array(1 << 16);
  #at = 0;
  #blocks = 0;
  #postings = 0;
  #term = 0;
  #inBlock = 0;
  #previousDoc = 0;

  readonly #averageLength: number;

  constructor(terms: number, averageLength: number) {
    this.#termBlocks = new Uint32Array(terms + 1);
    this.#averageLength = averageLength || 1;
  }

  /** Starts the postings of `term` (ids increasing; skipped ids get none). */
  startTerm(term: number): void {
    while (this.#term <= term) this.#termBlocks[this.#term++] = this.#blocks;
    this.#inBlock = 0;
    this.#previousDoc = 0;
  }

  add(doc: number, frequency: number, length: number): void {
    if (this.#inBlock === 0 || this.#inBlock === BLOCK) this.#openBlock();
    const block = this.#blocks - 1;
    this.#bytes = grow(this.#bytes, this.#at + 16);
    const gap = doc - this.#previousDoc;
    this.#varint(gap * 2 + (frequency === 2 ? 0 : 1));
    if (frequency !== 2) this.#varint(frequency);
    this.#previousDoc = doc;
    this.#inBlock++;
    this.#blockCount[block] = this.#inBlock === BLOCK ? 0 : this.#inBlock;
    this.#blockLastDoc[block] = doc;
    const factor = termFactor(frequency, length, this.#averageLength) * ROUND_UP;
    if (factor > this.#blockMaxFactor[block]!) this.#blockMaxFactor[block] = factor;
    this.#postings++;
  }

  finish(): SealedPostings {
    while (this.#term < this.#termBlocks.length) this.#termBlocks[this.#term++] = this.#blocks;
    const n = this.#blocks;
    return new SealedPostings({
      termBlocks: this.#termBlocks,
      blockOffset: this.#blockOffset.slice(0, n),
      blockLastDoc: this.#blockLastDoc.slice(0, n),
      blockCount: this.#blockCount.slice(0, n),
      blockMaxFactor: this.#blockMaxFactor.slice(0, n),
      bytes: this.#bytes.slice(0, this.#at),
      postings: this.#postings,
      averageLength: this.#averageLength,
    });
  }

  #openBlock(): void {
    const n = this.#blocks++;
    this.#blockOffset = grow(this.#blockOffset, n + 1);
    this.#blockLastDoc = grow(this.#blockLastDoc, n + 1);
    this.#blockCount = grow(this.#blockCount, n + 1);
    this.#blockMaxFactor = grow(this.#blockMaxFactor, n + 1);
    this.#blockOffset[n] = this.#at;
    this.#blockMaxFactor[n] = 0;
    this.#inBlock = 0;
  }

  #varint(value: number): void {
    while (value >= 0x80) {
      this.#bytes[this.#at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#bytes[this.#at++] = value;
  }
}
