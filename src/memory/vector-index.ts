/**
 * @module memory/vector-index
 * Exact cosine k-NN over int8-quantised vectors, held in process.
 *
 * Written by hand because the alternatives measured worse here: sqlite-vec 0.1.9 scans
 * every vector through SQLite pages on each query (~80 ms for k=96 over 100k × 256-d,
 * see `npm run bench -- vectors`), and ANN libraries (HNSW) cost several times the
 * memory of the vectors for a graph. Vectors are stored column by column in blocks, so
 * a query only touches the dimensions where it is non-zero: the built-in hashing
 * embedder's short queries touch a tenth of them.
 */

/** One int8 vector with the scale that restores it: v[i] ≈ values[i] × scale. */
export interface QuantizedVector {
  values: Int8Array;
  scale: number;
}

export interface Neighbour {
  rowid: number;
  /** Cosine similarity to the query, -1 to 1. */
  score: number;
}

const BLOCK = 4096;
/** Removed vectors tolerated before the blocks are rewritten (and only once they are half the index). */
const COMPACT_AFTER = 1024;

/** Int8 quantisation by the largest magnitude: keeps cosine within ~0.5 % for unit vectors. */
export function quantize(vector: Float32Array): QuantizedVector {
  let max = 0;
  for (const v of vector) max = Math.max(max, Math.abs(v));
  const scale = max === 0 ? 0 : max / 127;
  const values = new Int8Array(vector.length);
  if (scale > 0) for (let i = 0; i < vector.length; i++) values[i] = Math.round(vector[i]! / scale);
  return { values, scale };
}

/** Rows per block when full, and the capacity a new block starts at (it doubles as it fills). */
const FIRST_CAPACITY = 64;

class Block {
  data: Int8Array;
  scales: Float32Array;
  rowids: Float64Array;
  count = 0;

  constructor(
    readonly dimensions: number,
    public capacity: number,
  ) {
    this.data = new Int8Array(this.capacity * dimensions);
    this.scales = new Float32Array(this.capacity);
    this.rowids = new Float64Array(this.capacity);
  }

  /** Room for one more row: doubles the capacity up to BLOCK, so a small namespace stays small. */
  reserve(): boolean {
    if (this.count < this.capacity) return true;
    if (this.capacity === BLOCK) return false;
    const capacity = Math.min(BLOCK, this.capacity * 2);
    const data = new Int8Array(capacity * this.dimensions);
    for (let d = 0; d < this.dimensions; d++) {
      data.set(this.data.subarray(d * this.capacity, d * this.capacity + this.count), d * capacity);
    }
    this.data = data;
    this.scales = grown(this.scales, capacity);
    this.rowids = grown(this.rowids, capacity);
    this.capacity = capacity;
    return true;
  }
}

function grown<T extends Float32Array | Float64Array>(array: T, capacity: number): T {
  const copy = new (array.constructor as new (length: number) => T)(capacity);
  copy.set(array);
  return copy;
}

/** Vectors of one partition (a namespace), searchable by cosine similarity. */
export class VectorIndex {
  readonly dimensions: number;
  #blocks: Block[] = [];
  #size = 0;
  #dead = 0;
  /** Vectors announced by reserve() and not added yet. */
  #expected = 0;
  constructor(dimensions: number) {
    this.dimensions = dimensions;
  }

  /** Live vectors. */
  get size(): number {
    return this.#size - this.#dead;
  }

  /** Appends a vector. */
  add(rowid: number, vector: QuantizedVector): void {
    if (vector.values.length !== this.dimensions) {
      throw new RangeError(`vector has ${vector.values.length} dimensions, the index ${this.dimensions}`);
    }
    let block = this.#blocks[this.#blocks.length - 1];
    if (!block?.reserve()) {
      block = new Block(this.dimensions, Math.min(BLOCK, Math.max(FIRST_CAPACITY, this.#expected)));
      this.#blocks.push(block);
    }
    this.#expected = Math.max(0, this.#expected - 1);
    const slot = block.count++;
    for (let d = 0; d < this.dimensions; d++) block.data[d * block.capacity + slot] = vector.values[d]!;
    block.scales[slot] = vector.scale;
    block.rowids[slot] = rowid;
    this.#size++;
  }

  /**
   * Announces that about `count` vectors are coming (a load): the blocks they need are then
   * allocated at their size once, not doubled into from small ones. Freed intermediate arrays
   * left ~9 MiB of native memory resident after loading 100,000 vectors.
   */
  reserve(count: number): void {
    this.#expected = count;
  }

  /** Forgets a vector (its slot scores zero from now on). Returns false if absent. */
  remove(rowid: number): boolean {
    for (const block of this.#blocks) {
      for (let slot = 0; slot < block.count; slot++) {
        if (block.rowids[slot] === rowid && block.scales[slot] !== 0) {
          block.scales[slot] = 0;
          block.rowids[slot] = -rowid;
          this.#dead++;
          if (this.#dead > COMPACT_AFTER && this.#dead * 2 > this.#size) this.#compact();
          return true;
        }
      }
    }
    return false;
  }

  /** Rewrites the blocks without the removed vectors, so deletions and expiries give memory back. */
  #compact(): void {
    const blocks = this.#blocks;
    this.#blocks = [];
    this.#size = 0;
    this.#dead = 0;
    const values = new Int8Array(this.dimensions);
    for (const block of blocks) {
      for (let slot = 0; slot < block.count; slot++) {
        if (block.scales[slot] === 0) continue;
        for (let d = 0; d < this.dimensions; d++) values[d] = block.data[d * block.capacity + slot]!;
        this.add(block.rowids[slot]!, { values, scale: block.scales[slot]! });
      }
    }
  }

  /** The k most similar live vectors, best first. */
  search(query: Float32Array, k: number): Neighbour[] {
    if (query.length !== this.dimensions) {
      throw new RangeError(`query has ${query.length} dimensions, the index ${this.dimensions}`);
    }
    let norm = 0;
    const active: number[] = [];
    for (let d = 0; d < query.length; d++) {
      if (query[d] !== 0) {
        active.push(d);
        norm += query[d]! * query[d]!;
      }
    }
    if (norm === 0 || k <= 0) return [];
    const inverseNorm = 1 / Math.sqrt(norm);
    const top = new TopK(Math.min(k, this.#size));
    const scores = new Float32Array(BLOCK);
    for (const block of this.#blocks) {
      scores.fill(0, 0, block.count);
      for (const d of active) {
        const weight = query[d]!;
        const offset = d * block.capacity;
        for (let slot = 0; slot < block.count; slot++) scores[slot]! += weight * block.data[offset + slot]!;
      }
      for (let slot = 0; slot < block.count; slot++) {
        const scale = block.scales[slot]!;
        if (scale !== 0) top.offer(block.rowids[slot]!, scores[slot]! * scale * inverseNorm);
      }
    }
    return top.sorted();
  }
}

/**
 * Keeps the k best scores seen, in a binary min-heap over typed arrays: a vector that does not
 * beat the k-th best costs one comparison, and scanning allocates nothing per vector (object
 * churn here grew the young generation by ~18 MiB at 100,000 vectors).
 */
class TopK {
  readonly #k: number;
  readonly #scores: Float64Array;
  readonly #rowids: Float64Array;
  #size = 0;

  constructor(k: number) {
    this.#k = k;
    this.#scores = new Float64Array(k);
    this.#rowids = new Float64Array(k);
  }

  offer(rowid: number, score: number): void {
    if (this.#size < this.#k) {
      this.#siftUp(this.#size++, rowid, score);
    } else if (score > this.#scores[0]!) {
      this.#siftDown(0, rowid, score);
    }
  }

  sorted(): Neighbour[] {
    const items: Neighbour[] = [];
    for (let i = 0; i < this.#size; i++) items.push({ rowid: this.#rowids[i]!, score: this.#scores[i]! });
    return items.sort((a, b) => b.score - a.score);
  }

  #siftUp(slot: number, rowid: number, score: number): void {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (this.#scores[parent]! <= score) break;
      this.#move(parent, slot);
      slot = parent;
    }
    this.#scores[slot] = score;
    this.#rowids[slot] = rowid;
  }

  #siftDown(slot: number, rowid: number, score: number): void {
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= this.#size) break;
      if (child + 1 < this.#size && this.#scores[child + 1]! < this.#scores[child]!) child++;
      if (this.#scores[child]! >= score) break;
      this.#move(child, slot);
      slot = child;
    }
    this.#scores[slot] = score;
    this.#rowids[slot] = rowid;
  }

  #move(from: number, to: number): void {
    this.#scores[to] = this.#scores[from]!;
    this.#rowids[to] = this.#rowids[from]!;
  }
}
