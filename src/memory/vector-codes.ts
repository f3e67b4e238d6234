/**
 * @module memory/vector-codes
 * Two-bit codes of unit vectors after a random rotation, and the tables that score a query
 * against them (asymmetric distance: the query stays in floats).
 *
 * Written by hand because no maintained JavaScript library does this: the rotation (twice
 * random signs, then a Walsh-Hadamard transform) spreads every vector's energy evenly over the
 * dimensions, so that each coordinate is close to a normal variable of variance 1/n and two
 * bits per dimension keep most of it; the estimate of a dot product is then corrected per
 * vector as in RaBitQ (Gao & Long, 2024): ⟨x, q⟩ ≈ ⟨c, Rq⟩ / ⟨c, Rx⟩, where c are the levels
 * the code stands for. Measured on the peer benchmark's 100,000 notes (hashing embedder, one
 * rotation round), 99.8 % of the exact top 10 is among the best 100 estimates and 99.9 % of the
 * top 30 among the best 300; with one bit per dimension, 1,000 and more were needed. With two
 * rounds the store's top 10 agrees with exact cosine on 96.4 % (96.2 with one; bench `vectors`).
 */

/** Code layout: bump when the rotation, the levels or the packing change (stored codes are then ignored). */
export const CODE_LAYOUT = 2;

/** Gaussian Lloyd-Max quantiser for two bits: thresholds 0 and ±0.9816σ, levels ±0.4528σ and ±1.510σ. */
const THRESHOLD = 0.9816;
const INNER = 0.4528;
const OUTER = 1.51;
const LEVELS = [-OUTER, -INNER, INNER, OUTER] as const;
/**
 * Two rounds: after one, a vector near an axis becomes coordinates of two nearly equal
 * magnitudes whose inner/outer split follows another axis's sign pattern, and its estimate
 * against that axis was off by 0.5 (a property test found it); after two, the worst error
 * over 20,000 sparse pairs of 64 dimensions is 0.21 (0.06 at 512).
 */
const ROUNDS = 2;
/** Fixed, so every process and every version with this layout rotates alike. */
const SEED = 0x9e3779b9;

/** Dimensions per code byte (two bits each). */
const PER_BYTE = 4;

export class VectorCodes {
  /** Dimensions of the vectors given. */
  readonly dimensions: number;
  /** Dimensions after padding to a power of two (the transform needs one). */
  readonly padded: number;
  /** Bytes per code (a multiple of 4, so codes can be read as 32-bit words). */
  readonly bytes: number;
  readonly #signs: Float64Array[];
  readonly #threshold: number;
  readonly #scratch: Float64Array;
  /** ‖Rv‖/‖v‖ of the unnormalised transform: √padded per round. */
  readonly #rotationScale: number;

  constructor(dimensions: number) {
    this.dimensions = dimensions;
    this.padded = Math.max(16, 2 ** Math.ceil(Math.log2(dimensions)));
    this.bytes = this.padded / PER_BYTE;
    this.#threshold = THRESHOLD / Math.sqrt(this.padded);
    this.#scratch = new Float64Array(this.padded);
    this.#rotationScale = Math.sqrt(this.padded) ** ROUNDS;
    let state = SEED;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    this.#signs = Array.from({ length: ROUNDS }, () =>
      Float64Array.from({ length: this.padded }, () => (random() & 0x8000_0000 ? -1 : 1)),
    );
  }

  /**
   * Writes the code of `vector` (any length-`dimensions` array, of any scale: a code is of a
   * direction) at `codes[offset…]` and returns its correction factor ‖x‖/⟨c, Rx⟩, or 0 for a
   * zero vector.
   */
  encode(vector: ArrayLike<number>, codes: Uint8Array, offset: number): number {
    const rotated = this.#rotate(vector);
    const n = this.padded;
    let norm = 0;
    for (let d = 0; d < n; d++) norm += rotated[d]! * rotated[d]!;
    if (norm === 0) {
      codes.fill(0, offset, offset + this.bytes);
      return 0;
    }
    const threshold = this.#threshold * Math.sqrt(norm);
    // ⟨c, Rx⟩: a level always has its coordinate's sign, so each term is |level| × |y|.
    let alignment = 0;
    for (let d = 0, at = offset; d < n; d += PER_BYTE, at++) {
      let byte = 0;
      for (let k = 0; k < PER_BYTE; k++) {
        const y = rotated[d + k]!;
        const magnitude = y < 0 ? -y : y;
        const outer = magnitude >= threshold;
        byte |= (y < 0 ? (outer ? 0 : 1) : outer ? 3 : 2) << (k << 1);
        alignment += (outer ? OUTER : INNER) * magnitude;
      }
      codes[at] = byte;
    }
    return Math.sqrt(norm) / alignment;
  }

  /**
   * The query's lookup table: for code byte j and each of its 256 values, the sum of the
   * levels it stands for times the rotated query. A vector's estimate is then one lookup per
   * code byte (see scanCodes) times its factor: its cosine similarity times the query's norm.
   */
  table(query: Float32Array): Float32Array {
    const rotated = this.#rotate(query);
    // The transform is left unnormalised (codes do not depend on scale): its scale goes here.
    const unscale = 1 / this.#rotationScale;
    const table = new Float32Array(this.bytes * 256);
    for (let j = 0; j < this.bytes; j++) {
      const q = rotated.subarray(j * PER_BYTE, j * PER_BYTE + PER_BYTE);
      const base = j * 256;
      for (let b = 0; b < 256; b++) {
        table[base + b] =
          (LEVELS[b & 3]! * q[0]! +
            LEVELS[(b >> 2) & 3]! * q[1]! +
            LEVELS[(b >> 4) & 3]! * q[2]! +
            LEVELS[b >> 6]! * q[3]!) *
          unscale;
      }
    }
    return table;
  }

  /** R·v up to scale, zero-padded: ROUNDS times random signs then a Walsh-Hadamard transform. */
  #rotate(vector: ArrayLike<number>): Float64Array {
    const a = this.#scratch;
    const n = this.padded;
    const length = Math.min(vector.length, n);
    const first = this.#signs[0]!;
    for (let d = 0; d < length; d++) a[d] = vector[d]! * first[d]!;
    a.fill(0, length);
    hadamard(a);
    for (let round = 1; round < ROUNDS; round++) {
      const signs = this.#signs[round]!;
      for (let d = 0; d < n; d++) a[d]! *= signs[d]!;
      hadamard(a);
    }
    return a;
  }
}

/** In-place unnormalised Walsh-Hadamard transform (length a power of two, at least 4). */
function hadamard(a: Float64Array): void {
  const n = a.length;
  // The first two butterflies at once, where the loops below would spend most on overhead.
  for (let i = 0; i < n; i += 4) {
    const x0 = a[i]!;
    const x1 = a[i + 1]!;
    const x2 = a[i + 2]!;
    const x3 = a[i + 3]!;
    const s01 = x0 + x1;
    const d01 = x0 - x1;
    const s23 = x2 + x3;
    const d23 = x2 - x3;
    a[i] = s01 + s23;
    a[i + 1] = d01 + d23;
    a[i + 2] = s01 - s23;
    a[i + 3] = d01 - d23;
  }
  for (let half = 4; half < n; half <<= 1) {
    for (let i = 0; i < n; i += half << 1) {
      for (let j = i, end = i + half; j < end; j++) {
        const x = a[j]!;
        const y = a[j + half]!;
        a[j] = x + y;
        a[j + half] = x - y;
      }
    }
  }
}

/** What scanCodes() offers its estimates to. */
export interface EstimateSink {
  /** The lowest estimate it would still take. */
  floor: number;
  offer(slot: number, estimate: number): void;
}

/**
 * Offers `sink` the estimate of each live vector in [begin, end) created inside [from, to):
 * one table lookup per code byte (codes read as 32-bit words), times the vector's factor.
 * Called on slices of a chunk, so V8 optimises it after a few slices instead of running a
 * whole first scan unoptimised (~5× slower).
 */
export function scanCodes(
  table: Float32Array,
  codes: Int32Array,
  wordsPerCode: number,
  factors: Float32Array,
  created: Float64Array,
  window: { from: number; to: number },
  begin: number,
  end: number,
  slotBase: number,
  sink: EstimateSink,
): void {
  const { from, to } = window;
  for (let i = begin; i < end; i++) {
    const factor = factors[i]!;
    const createdAt = created[i]!;
    if (factor === 0 || createdAt < from || createdAt >= to) continue;
    let sum = 0;
    for (let w = i * wordsPerCode, t = 0, last = w + wordsPerCode; w < last; w++, t += 1024) {
      const x = codes[w]!;
      sum +=
        table[t + (x & 255)]! +
        table[t + 256 + ((x >>> 8) & 255)]! +
        table[t + 512 + ((x >>> 16) & 255)]! +
        table[t + 768 + (x >>> 24)]!;
    }
    const estimate = sum * factor;
    if (estimate > sink.floor) sink.offer(slotBase + i, estimate);
  }
}
