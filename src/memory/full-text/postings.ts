/**
 * The sealed postings of one namespace's terms: for each term, the documents holding it (dense
 * doc ids, ascending) with a frequency code (2 × occurrences in content + occurrences in tags,
 * so FTS5's column weights 1 and 0.5 stay integers), varint-encoded one term after another.
 *
 * A term with more than BLOCK postings is cut in blocks, each with its last doc (to skip to a
 * doc) and its largest BM25 factor at the average length of sealing time (the bound a query
 * may skip a block by: at a larger average A a factor grows at most by A / A₀). A term with at
 * least LAYERED_MIN postings is kept in layers, each in doc order: its postings with the largest
 * factors, then the next, …, then the rest, each layer's bound far below the one before; a query
 * of common words then walks the first layers and only looks documents up in the others
 * (text-top-k.ts). Shorter terms cost only their bytes and a start offset.
 */

import { termFactor } from './bm25.js';
import { grown } from './typed-arrays.js';

export const BLOCK = 128;
/** Lists at least this long are kept in layers. */
export const LAYERED_MIN = 2048;
/**
 * The shares of a layered list's postings above each cut between layers: its best 1/64, the
 * next 3/64, the next 12/64, the rest. On the bench corpus at 100,000 notes, two common words
 * took 0.90 ms with these, 0.99 ms with 1/16 and 1/4, 1.2 ms with 1/8, 2.5 ms unlayered.
 */
const LAYER_SHARES = [1 / 64, 1 / 16, 1 / 4];
/** Float32 rounds to nearest: bounds are raised by this much so they stay bounds. */
const ROUND_UP = 1 + 2 ** -20;

/** Blocks [first, end) of a term or one of its layers, whose bytes end at `endByte`. */
export type BlockRange = readonly [first: number, end: number, endByte: number];

export class SealedPostings {
  /** Term t's postings are bytes[termStart[t] .. termStart[t + 1]). */
  readonly termStart: Uint32Array;
  readonly bytes: Uint8Array;
  /** Long terms' blocks: one range, or one per layer for a layered term (best first). */
  readonly #blocks: Map<number, readonly BlockRange[]>;
  readonly blockOffset: Uint32Array;
  readonly blockLastDoc: Uint32Array;
  readonly blockMaxFactor: Float32Array;
  readonly postings: number;
  /** The namespace's average length when the factors were computed. */
  readonly averageLength: number;

  constructor(parts: {
    termStart: Uint32Array;
    bytes: Uint8Array;
    blocks: Map<number, readonly BlockRange[]>;
    blockOffset: Uint32Array;
    blockLastDoc: Uint32Array;
    blockMaxFactor: Float32Array;
    postings: number;
    averageLength: number;
  }) {
    this.termStart = parts.termStart;
    this.bytes = parts.bytes;
    this.#blocks = parts.blocks;
    this.blockOffset = parts.blockOffset;
    this.blockLastDoc = parts.blockLastDoc;
    this.blockMaxFactor = parts.blockMaxFactor;
    this.postings = parts.postings;
    this.averageLength = parts.averageLength;
  }

  static empty(): SealedPostings {
    return new SealedPostingsWriter(0, 1, 0).finish();
  }

  get byteLength(): number {
    return (
      this.termStart.byteLength +
      this.bytes.buffer.byteLength +
      this.blockOffset.byteLength * 2 +
      this.blockMaxFactor.byteLength +
      this.#blocks.size * 64
    );
  }

  /**
   * A long term's block ranges (one per layer for a layered term, best first), or none for a
   * short one (decoded whole with decodeShort).
   */
  blocksOf(term: number): readonly BlockRange[] {
    return this.#blocks.get(term) ?? NO_BLOCKS;
  }

  /** The largest factor of a range's postings at the sealing average length. */
  maxFactor([first, end]: BlockRange): number {
    let max = 0;
    for (let block = first; block < end; block++) max = Math.max(max, this.blockMaxFactor[block]!);
    return max;
  }

  /** Decodes a short term's postings (at most BLOCK); returns their count. */
  decodeShort(term: number, docs: Uint32Array, codes: Uint32Array): number {
    if (term + 1 >= this.termStart.length) return 0;
    return this.#decode(this.termStart[term]!, this.termStart[term + 1]!, 0, docs, codes);
  }

  /** Decodes a block of a range; returns its posting count. */
  decodeBlock(block: number, [first, end, endByte]: BlockRange, docs: Uint32Array, codes: Uint32Array): number {
    const to = block + 1 < end ? this.blockOffset[block + 1]! : endByte;
    const previous = block === first ? 0 : this.blockLastDoc[block - 1]!;
    return this.#decode(this.blockOffset[block]!, to, previous, docs, codes);
  }

  #decode(from: number, to: number, previous: number, docs: Uint32Array, codes: Uint32Array): number {
    const bytes = this.bytes;
    let at = from;
    let doc = previous;
    let count = 0;
    while (at < to) {
      let value = 0;
      let shift = 1;
      for (;;) {
        const byte = bytes[at++]!;
        value += (byte & 0x7f) * shift;
        if (byte < 0x80) break;
        shift *= 128;
      }
      doc += Math.floor(value / 2);
      docs[count] = doc;
      if (value % 2 === 0) {
        codes[count++] = 2;
        continue;
      }
      let code = 0;
      shift = 1;
      for (;;) {
        const byte = bytes[at++]!;
        code += (byte & 0x7f) * shift;
        if (byte < 0x80) break;
        shift *= 128;
      }
      codes[count++] = code;
    }
    return count;
  }
}

const NO_BLOCKS: readonly BlockRange[] = [];

/** Writes a sealed segment term by term (terms in id order, each term's docs ascending). */
export class SealedPostingsWriter {
  readonly #termStart: Uint32Array;
  #bytes: Uint8Array;
  #at = 0;
  readonly #blocks = new Map<number, readonly BlockRange[]>();
  #blockOffset = new Uint32Array(256);
  #blockLastDoc = new Uint32Array(256);
  #blockMaxFactor = new Float32Array(256);
  #blockCount = 0;
  #postings = 0;
  #term = 0;
  readonly #averageLength: number;

  /** `expectedBytes`: room to start with (grown if short), so a large seal does not grow it step by step. */
  constructor(terms: number, averageLength: number, expectedBytes = 1 << 16) {
    this.#termStart = new Uint32Array(terms + 1);
    this.#averageLength = averageLength || 1;
    this.#bytes = new Uint8Array(expectedBytes);
  }

  /** A term's postings (terms in increasing id order; skipped ones have none). */
  write(term: number, docs: Uint32Array, codes: Uint32Array, count: number, lengths: Uint32Array): void {
    while (this.#term <= term) this.#termStart[this.#term++] = this.#at;
    this.#bytes = grown(this.#bytes, this.#at + count * 10 + 16);
    this.#postings += count;
    if (count <= BLOCK) {
      this.#encode(docs, codes, 0, count, null);
      return;
    }
    const factors = new Float64Array(count);
    for (let i = 0; i < count; i++) factors[i] = termFactor(codes[i]!, lengths[docs[i]!]!, this.#averageLength);
    if (count < LAYERED_MIN) {
      this.#blocks.set(term, [this.#encode(docs, codes, 0, count, factors)]);
      return;
    }
    // Each layer holds the factors above its cut and up to the previous layer's.
    const sorted = factors.slice().sort();
    const cuts = [...LAYER_SHARES.map((share) => sorted[count - Math.ceil(count * share)]!), -1];
    const layers: BlockRange[] = [];
    // One set of scratch arrays for every layer: plain loops, not typed-array `from` with a callback.
    const layerDocs = new Uint32Array(count);
    const layerCodes = new Uint32Array(count);
    const layerFactors = new Float64Array(count);
    for (const [layer, cut] of cuts.entries()) {
      const above = layer === 0 ? Infinity : cuts[layer - 1]!;
      let n = 0;
      for (let i = 0; i < count; i++) {
        const factor = factors[i]!;
        if (factor <= cut || factor > above) continue;
        layerDocs[n] = docs[i]!;
        layerCodes[n] = codes[i]!;
        layerFactors[n++] = factor;
      }
      layers.push(this.#encode(layerDocs, layerCodes, 0, n, layerFactors));
    }
    this.#blocks.set(term, layers);
  }

  finish(): SealedPostings {
    while (this.#term < this.#termStart.length) this.#termStart[this.#term++] = this.#at;
    const n = this.#blockCount;
    return new SealedPostings({
      termStart: this.#termStart,
      // Copied only when the room left is large: a close estimate is kept as it is.
      bytes:
        this.#bytes.length - this.#at > this.#at >> 4
          ? this.#bytes.slice(0, this.#at)
          : this.#bytes.subarray(0, this.#at),
      blocks: this.#blocks,
      blockOffset: this.#blockOffset.slice(0, n),
      blockLastDoc: this.#blockLastDoc.slice(0, n),
      blockMaxFactor: this.#blockMaxFactor.slice(0, n),
      postings: this.#postings,
      averageLength: this.#averageLength,
    });
  }

  /** Encodes postings [from, to) in blocks (with their bounds) when given factors, else as one run. */
  #encode(docs: Uint32Array, codes: Uint32Array, from: number, to: number, factors: Float64Array | null): BlockRange {
    const firstBlock = this.#blockCount;
    let previous = 0;
    for (let i = from; i < to; i++) {
      const doc = docs[i]!;
      if (factors !== null && (i - from) % BLOCK === 0) {
        this.#openBlock();
        previous = i === from ? 0 : docs[i - 1]!;
      }
      const code = codes[i]!;
      this.#varint((doc - previous) * 2 + (code === 2 ? 0 : 1));
      if (code !== 2) this.#varint(code);
      previous = doc;
      if (factors !== null) {
        const block = this.#blockCount - 1;
        this.#blockLastDoc[block] = doc;
        const factor = factors[i]! * ROUND_UP;
        if (factor > this.#blockMaxFactor[block]!) this.#blockMaxFactor[block] = factor;
      }
    }
    return [firstBlock, this.#blockCount, this.#at];
  }

  #openBlock(): void {
    const n = this.#blockCount++;
    this.#blockOffset = grown(this.#blockOffset, n + 1);
    this.#blockLastDoc = grown(this.#blockLastDoc, n + 1);
    this.#blockMaxFactor = grown(this.#blockMaxFactor, n + 1);
    this.#blockOffset[n] = this.#at;
    this.#blockMaxFactor[n] = 0;
  }

  #varint(value: number): void {
    while (value >= 0x80) {
      this.#bytes[this.#at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#bytes[this.#at++] = value;
  }
}
