/**
 * @module memory/vector-index
 * Candidates for cosine k-NN from compact codes held in process: two bits per dimension
 * (see vector-codes.ts), with each vector's rowid and creation time beside its code, so a
 * time window is applied inside the scan. The store re-scores the candidates exactly from
 * the int8 vectors it keeps (see sqlite/sqlite-vectors.ts).
 *
 * Written by hand because the alternatives cost more here: sqlite-vec 0.1.9 scans every
 * vector through SQLite pages on each query, ANN graphs (HNSW) take several times the
 * vectors' memory, and the int8 vectors this replaced took 25.6 MiB at 100,000 × 256-d
 * and up to 100 ms a dense query (the codes: 8.0 MiB and ~7 ms).
 */
import { scanCodes, VectorCodes, type EstimateSink } from './vector-codes.js';

/** One int8 vector with the scale that restores it: v[i] ≈ values[i] × scale. */
export interface QuantizedVector {
  values: Int8Array;
  scale: number;
}

/** Int8 quantisation by the largest magnitude: keeps cosine within ~0.5 % for unit vectors. */
export function quantize(vector: Float32Array): QuantizedVector {
  // Indexed loops: for…of and Math.max made this 4 % of an import's time.
  let max = 0;
  for (let i = 0; i < vector.length; i++) {
    const magnitude = vector[i]! < 0 ? -vector[i]! : vector[i]!;
    if (magnitude > max) max = magnitude;
  }
  const scale = max === 0 ? 0 : max / 127;
  const values = new Int8Array(vector.length);
  const inverse = scale === 0 ? 0 : 1 / scale;
  for (let i = 0; i < vector.length; i++) values[i] = Math.round(vector[i]! * inverse);
  return { values, scale };
}

/** A created-time window, epoch milliseconds: `from` inclusive, `to` exclusive. */
export interface TimeWindow {
  from?: number | undefined;
  to?: number | undefined;
}

export interface Candidate {
  rowid: number;
  /** Estimated cosine similarity times the query's norm. */
  estimate: number;
  /** Where the vector sits, for remove(). */
  slot: number;
}

/** Rows per appended chunk when full; a new chunk starts small and doubles, so a small namespace stays small. */
const CHUNK = 4096;
const FIRST_CAPACITY = 64;
/** Removed vectors tolerated before the chunks are rewritten (and only once they are half the index). */
const COMPACT_AFTER = 1024;
/** Slots are chunk × SLOTS_PER_CHUNK + row. */
const SLOTS_PER_CHUNK = 2 ** 32;
/** Vectors scanned per call of scanCodes. */
const SCAN_SLICE = 2048;

/** Bytes one vector takes: rowid, creation time, factor, code. */
export function entryBytes(codeBytes: number): number {
  return 8 + 8 + 4 + codeBytes;
}

/**
 * A run of vectors in parallel typed arrays. A chunk read from a stored block views the
 * block's bytes (rowids, created times, factors, codes, in that order) without copying.
 */
class Chunk {
  constructor(
    readonly rowids: Float64Array,
    readonly created: Float64Array,
    readonly factors: Float32Array,
    readonly codes: Uint8Array,
    public count: number,
    /** Views a stored block's bytes: never grown in place. */
    readonly stored = false,
  ) {
    this.words = new Int32Array(codes.buffer, codes.byteOffset, codes.byteLength / 4);
  }

  /** The codes as 32-bit words. */
  readonly words: Int32Array;

  get capacity(): number {
    return this.rowids.length;
  }

  static allocate(capacity: number, codeBytes: number): Chunk {
    const buffer = new ArrayBuffer(capacity * entryBytes(codeBytes));
    return Chunk.over(buffer, 0, capacity, codeBytes, 0, false);
  }

  /** `byteOffset` must be a multiple of 8. */
  static over(
    buffer: ArrayBufferLike,
    byteOffset: number,
    capacity: number,
    codeBytes: number,
    count: number,
    stored: boolean,
  ): Chunk {
    return new Chunk(
      new Float64Array(buffer, byteOffset, capacity),
      new Float64Array(buffer, byteOffset + 8 * capacity, capacity),
      new Float32Array(buffer, byteOffset + 16 * capacity, capacity),
      new Uint8Array(buffer, byteOffset + 20 * capacity, capacity * codeBytes),
      count,
      stored,
    );
  }
}

function blockOf(chunks: readonly Chunk[], codeBytes: number): { data: Uint8Array; count: number } {
  let count = 0;
  for (const chunk of chunks) for (let i = 0; i < chunk.count; i++) if (chunk.rowids[i] !== 0) count++;
  const block = Chunk.allocate(count, codeBytes);
  let at = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.count; i++) {
      if (chunk.rowids[i] === 0) continue;
      block.rowids[at] = chunk.rowids[i]!;
      block.created[at] = chunk.created[i]!;
      block.factors[at] = chunk.factors[i]!;
      block.codes.set(chunk.codes.subarray(i * codeBytes, (i + 1) * codeBytes), at * codeBytes);
      at++;
    }
  }
  return { data: new Uint8Array(block.rowids.buffer), count };
}

/** Vectors of one partition (a namespace): their codes, searchable for cosine candidates. */
export class VectorIndex {
  readonly dimensions: number;
  readonly #codes: VectorCodes;
  #chunks: Chunk[] = [];
  #size = 0;
  #dead = 0;

  constructor(dimensions: number) {
    this.dimensions = dimensions;
    this.#codes = new VectorCodes(dimensions);
  }

  /** Live vectors. */
  get size(): number {
    return this.#size - this.#dead;
  }

  /** Bytes of one stored code. */
  get codeBytes(): number {
    return this.#codes.bytes;
  }

  /** Appends a vector (of any scale: codes are of its direction). */
  add(rowid: number, createdAt: number, values: ArrayLike<number>): void {
    if (values.length !== this.dimensions) {
      throw new RangeError(`vector has ${values.length} dimensions, the index ${this.dimensions}`);
    }
    const chunk = this.#writable();
    const slot = chunk.count++;
    chunk.rowids[slot] = rowid;
    chunk.created[slot] = createdAt;
    chunk.factors[slot] = this.#codes.encode(values, chunk.codes, slot * this.#codes.bytes);
    this.#size++;
  }

  /** Takes over another index's vectors (a transaction's, once it committed), leaving it empty. */
  adopt(other: VectorIndex): void {
    if (other.dimensions !== this.dimensions) throw new RangeError('adopt: indexes of different dimensions');
    this.#chunks.push(...other.#chunks);
    this.#size += other.#size;
    this.#dead += other.#dead;
    other.#chunks = [];
    other.#size = other.#dead = 0;
  }

  /**
   * Adds `count` vectors stored as one block (see toBlock), viewing its bytes. Returns the
   * block's rowids, for retain().
   */
  addBlock(data: Uint8Array, count: number): Float64Array {
    if (data.byteLength !== count * entryBytes(this.#codes.bytes)) {
      throw new RangeError(`vector block: ${data.byteLength} bytes for ${count} vectors`);
    }
    // Typed arrays over the block need an aligned start; a Buffer from a pool may not have one.
    const bytes = data.byteOffset % 8 === 0 ? data : new Uint8Array(data);
    const chunk = Chunk.over(bytes.buffer, bytes.byteOffset, count, this.#codes.bytes, count, true);
    this.#chunks.push(chunk);
    this.#size += count;
    return chunk.rowids;
  }

  /**
   * A block cut into blocks of at most `maxBytes` (at least one vector each), in order, each
   * with its first vector's rowid.
   */
  static splitBlock(
    block: { data: Uint8Array; count: number },
    maxBytes: number,
  ): Array<{ data: Uint8Array; count: number; firstRowid: number }> {
    if (block.count === 0) return [{ ...block, firstRowid: 0 }];
    const codeBytes = block.data.byteLength / block.count - entryBytes(0);
    const per = Math.max(1, Math.floor(maxBytes / entryBytes(codeBytes)));
    const bytes = block.data.byteOffset % 8 === 0 ? block.data : new Uint8Array(block.data);
    const whole = Chunk.over(bytes.buffer, bytes.byteOffset, block.count, codeBytes, block.count, true);
    const parts = [];
    for (let from = 0; from < block.count; from += per) {
      const count = Math.min(per, block.count - from);
      const part = Chunk.allocate(count, codeBytes);
      part.rowids.set(whole.rowids.subarray(from, from + count));
      part.created.set(whole.created.subarray(from, from + count));
      part.factors.set(whole.factors.subarray(from, from + count));
      part.codes.set(whole.codes.subarray(from * codeBytes, (from + count) * codeBytes));
      parts.push({ data: new Uint8Array(part.rowids.buffer), count, firstRowid: part.rowids[0]! });
    }
    return parts;
  }

  /** The live vectors of these indexes, in order, as one block: what addBlock() reads back. */
  static toBlock(...indexes: VectorIndex[]): { data: Uint8Array; count: number } {
    return blockOf(
      indexes.flatMap((index) => index.#chunks),
      indexes[0]?.codeBytes ?? 0,
    );
  }

  /** Forgets the vector of `rowid` (the first live one, scanning from the newest). Returns false if absent. */
  remove(rowid: number): boolean {
    for (let c = this.#chunks.length - 1; c >= 0; c--) {
      const rowids = this.#chunks[c]!.rowids;
      const i = rowids.lastIndexOf(rowid, this.#chunks[c]!.count - 1);
      if (i >= 0) {
        this.#markDead(this.#chunks[c]!, i);
        this.#compactIfSparse();
        return true;
      }
    }
    return false;
  }

  /** Forgets the vectors at candidates' slots (found gone from the store). */
  removeSlots(slots: readonly number[]): void {
    for (const slot of slots) {
      const chunk = this.#chunks[Math.floor(slot / SLOTS_PER_CHUNK)];
      if (chunk) this.#markDead(chunk, slot % SLOTS_PER_CHUNK);
    }
    this.#compactIfSparse();
  }

  /**
   * Removes the vectors of a block (its rowids, from addBlock) that are not in `live`;
   * returns the block as it now is, to be stored in place of the old one.
   */
  retain(rowids: Float64Array, live: ReadonlySet<number>): { data: Uint8Array; count: number } {
    const chunk = this.#chunks.find((c) => c.rowids === rowids);
    if (!chunk) throw new RangeError('retain: not a block of this index');
    for (let i = 0; i < chunk.count; i++) if (rowids[i] !== 0 && !live.has(rowids[i]!)) this.#markDead(chunk, i);
    const block = blockOf([chunk], this.#codes.bytes);
    this.#compactIfSparse();
    return block;
  }

  #markDead(chunk: Chunk, i: number): void {
    if (chunk.rowids[i] === 0) return;
    chunk.rowids[i] = 0;
    chunk.factors[i] = 0;
    this.#dead++;
  }

  /**
   * The `limit` vectors whose estimated cosine similarity to `query` is highest, best first,
   * among those created inside `window`. Estimates, not scores: re-score them exactly.
   */
  search(query: Float32Array, limit: number, window: TimeWindow = {}): Candidate[] {
    if (query.length !== this.dimensions) {
      throw new RangeError(`query has ${query.length} dimensions, the index ${this.dimensions}`);
    }
    if (limit <= 0 || this.size === 0 || !query.some((v) => v !== 0)) return [];
    const table = this.#codes.table(query);
    const wordsPerCode = this.#codes.bytes / 4;
    const range = { from: window.from ?? -Infinity, to: window.to ?? Infinity };
    const top = new TopK(Math.min(limit, this.size));
    this.#chunks.forEach((chunk, c) => {
      for (let begin = 0; begin < chunk.count; begin += SCAN_SLICE) {
        const end = Math.min(chunk.count, begin + SCAN_SLICE);
        scanCodes(
          table,
          chunk.words,
          wordsPerCode,
          chunk.factors,
          chunk.created,
          range,
          begin,
          end,
          c * SLOTS_PER_CHUNK,
          top,
        );
      }
    });
    return top.sorted().map(({ slot, score }) => ({
      slot,
      estimate: score,
      rowid: this.#chunks[Math.floor(slot / SLOTS_PER_CHUNK)]!.rowids[slot % SLOTS_PER_CHUNK]!,
    }));
  }

  /** The chunk appends go to, starting a new one when the last is full or is a stored block. */
  #writable(): Chunk {
    const last = this.#chunks[this.#chunks.length - 1];
    if (last && last.count < last.capacity) return last;
    if (last && !last.stored && last.capacity < CHUNK) {
      // Doubles the last chunk in place of adding one, up to CHUNK rows.
      const grown = Chunk.allocate(Math.min(CHUNK, last.capacity * 2), this.#codes.bytes);
      grown.rowids.set(last.rowids);
      grown.created.set(last.created);
      grown.factors.set(last.factors);
      grown.codes.set(last.codes);
      grown.count = last.count;
      this.#chunks[this.#chunks.length - 1] = grown;
      return grown;
    }
    const chunk = Chunk.allocate(last && !last.stored ? CHUNK : FIRST_CAPACITY, this.#codes.bytes);
    this.#chunks.push(chunk);
    return chunk;
  }

  /** Rewrites the chunks without the removed vectors, so deletions and expiries give memory back. */
  #compactIfSparse(): void {
    if (this.#dead <= COMPACT_AFTER || this.#dead * 2 <= this.#size) return;
    const { data, count } = VectorIndex.toBlock(this);
    this.#chunks = [];
    this.#size = this.#dead = 0;
    if (count > 0) this.addBlock(data, count);
  }
}

/**
 * Keeps the k best scores seen, in a binary min-heap over typed arrays: a vector that does not
 * beat the k-th best costs one comparison, and scanning allocates nothing per vector (object
 * churn here grew the young generation by ~18 MiB at 100,000 vectors).
 */
class TopK implements EstimateSink {
  readonly #k: number;
  readonly #scores: Float64Array;
  readonly #slots: Float64Array;
  #size = 0;
  floor = -Infinity;

  constructor(k: number) {
    this.#k = k;
    this.#scores = new Float64Array(k);
    this.#slots = new Float64Array(k);
  }

  offer(slot: number, score: number): void {
    if (this.#size < this.#k) {
      this.#siftUp(this.#size++, slot, score);
      if (this.#size === this.#k) this.floor = this.#scores[0]!;
    } else if (score > this.#scores[0]!) {
      this.#siftDown(0, slot, score);
      this.floor = this.#scores[0]!;
    }
  }

  sorted(): Array<{ slot: number; score: number }> {
    const items: Array<{ slot: number; score: number }> = [];
    for (let i = 0; i < this.#size; i++) items.push({ slot: this.#slots[i]!, score: this.#scores[i]! });
    return items.sort((a, b) => b.score - a.score);
  }

  #siftUp(at: number, slot: number, score: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.#scores[parent]! <= score) break;
      this.#move(parent, at);
      at = parent;
    }
    this.#scores[at] = score;
    this.#slots[at] = slot;
  }

  #siftDown(at: number, slot: number, score: number): void {
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.#size) break;
      if (child + 1 < this.#size && this.#scores[child + 1]! < this.#scores[child]!) child++;
      if (this.#scores[child]! >= score) break;
      this.#move(child, at);
      at = child;
    }
    this.#scores[at] = score;
    this.#slots[at] = slot;
  }

  #move(from: number, to: number): void {
    this.#scores[to] = this.#scores[from]!;
    this.#slots[to] = this.#slots[from]!;
  }
}
