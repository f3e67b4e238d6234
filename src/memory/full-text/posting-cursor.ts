import { BLOCK, type BlockRange, type SealedPostings } from './postings.js';

export const END = 0xffffffff;

/** A walk over postings in doc order. */
export interface Cursor {
  doc: number;
  frequency: number;
  /** The most the current block's documents can score before IDF, or -1 without a bound. */
  blockMaxFactor(averageLength: number): number;
  next(): void;
  /** Moves to the first posting with doc ≥ target. */
  seek(target: number): void;
  /** Leaves the current block without reading the rest of it. */
  skipBlock(): void;
}
const NONE: BlockRange = [0, 0, 0];

/**
 * Walks a term's sealed postings in doc order (a short term's all at once; a long term's, or
 * one layer of it, a block at a time, each block decoded when first entered), then the postings
 * added since (pairs of doc and frequency code), if given. A block can be skipped whole when
 * its bound (largest factor) cannot make the top k.
 */
export class PostingCursor implements Cursor {
  doc = END;
  frequency = 0;
  readonly #sealed: SealedPostings;
  readonly #recent: readonly number[];
  readonly #range: BlockRange;
  readonly #firstBlock: number;
  readonly #endBlock: number;
  #block: number;
  #docs = new Uint32Array(BLOCK);
  #frequencies = new Uint32Array(BLOCK);
  #count = 0;
  #at = 0;
  /** Position in #recent once the sealed postings are done, else -1. */
  #recentAt = -1;
  #pendingDecode = false;

  /** `range`: a long term's blocks (or one layer's); a number: a short term, decoded whole. */
  constructor(sealed: SealedPostings, range: BlockRange | number, recent: readonly number[]) {
    this.#sealed = sealed;
    this.#recent = recent;
    this.#range = typeof range === 'number' ? NONE : range;
    [this.#firstBlock, this.#endBlock] = this.#range;
    if (typeof range === 'number') {
      // A short term: its postings are one implicit block.
      this.#block = this.#endBlock;
      this.#count = sealed.decodeShort(range, this.#docs, this.#frequencies);
      if (this.#count > 0) {
        this.doc = this.#docs[0]!;
        this.frequency = this.#frequencies[0]!;
      } else this.#toRecent();
      return;
    }
    this.#block = this.#firstBlock - 1;
    this.#nextBlock();
  }

  /**
   * The most the current block's documents can score before IDF at this average length
   * (see postings.ts), or -1 where there is no bound of its own (a short term, the recent part).
   */
  blockMaxFactor(averageLength: number): number {
    if (this.#recentAt >= 0 || this.#block >= this.#endBlock) return -1;
    const sealed = this.#sealed;
    return sealed.blockMaxFactor[this.#block]! * Math.max(1, averageLength / sealed.averageLength);
  }

  next(): void {
    if (this.#recentAt >= 0) {
      this.#recentAt += 2;
      this.#loadRecent();
    } else if (++this.#at < this.#count) {
      this.doc = this.#docs[this.#at]!;
      this.frequency = this.#frequencies[this.#at]!;
    } else if (this.#block < this.#endBlock) {
      this.#nextBlock();
    } else {
      this.#toRecent();
    }
  }

  /** Moves to the first posting with doc ≥ target. */
  seek(target: number): void {
    if (this.doc >= target) return;
    if (this.#recentAt < 0 && this.#block < this.#endBlock) {
      while (this.#block < this.#endBlock && this.#sealed.blockLastDoc[this.#block]! < target) this.#nextBlock(false);
      if (this.#recentAt < 0) {
        this.#decodeIfNeeded();
        while (this.#at < this.#count && this.#docs[this.#at]! < target) this.#at++;
        this.doc = this.#docs[this.#at]!;
        this.frequency = this.#frequencies[this.#at]!;
        return;
      }
    }
    while (this.doc < target) this.next();
  }

  /** Leaves the current sealed block without reading the rest of it. */
  skipBlock(): void {
    if (this.#recentAt < 0 && this.#block < this.#endBlock) this.#nextBlock();
  }

  #nextBlock(decode = true): void {
    this.#block++;
    this.#at = 0;
    if (this.#block < this.#endBlock) {
      this.#pendingDecode = true;
      if (decode) this.#decodeIfNeeded();
      return;
    }
    this.#toRecent();
  }

  #decodeIfNeeded(): void {
    if (!this.#pendingDecode) return;
    this.#pendingDecode = false;
    this.#count = this.#sealed.decodeBlock(this.#block, this.#range, this.#docs, this.#frequencies);
    this.doc = this.#docs[0]!;
    this.frequency = this.#frequencies[0]!;
  }

  #toRecent(): void {
    this.#recentAt = 0;
    this.#loadRecent();
  }

  #loadRecent(): void {
    if (this.#recentAt < this.#recent.length) {
      this.doc = this.#recent[this.#recentAt]!;
      this.frequency = this.#recent[this.#recentAt + 1]!;
    } else {
      this.doc = END;
      this.frequency = 0;
    }
  }
}

/** The postings of two disjoint cursors (a layered term's layers) in one doc order. */
export class MergedCursor implements Cursor {
  doc = END;
  frequency = 0;
  readonly #a: Cursor;
  readonly #b: Cursor;

  constructor(a: Cursor, b: Cursor) {
    this.#a = a;
    this.#b = b;
    this.#settle();
  }

  blockMaxFactor(): number {
    return -1;
  }

  next(): void {
    if (this.#a.doc === this.doc) this.#a.next();
    else this.#b.next();
    this.#settle();
  }

  seek(target: number): void {
    this.#a.seek(target);
    this.#b.seek(target);
    this.#settle();
  }

  skipBlock(): void {}

  #settle(): void {
    const from = this.#a.doc <= this.#b.doc ? this.#a : this.#b;
    this.doc = from.doc;
    this.frequency = from.frequency;
  }
}

/**
 * The postings of a cursor that fall in stretches of doc ids (created-zones.ts): between two
 * stretches it seeks, so the blocks in between are never decoded. Block bounds are the inner
 * cursor's (those of a whole block bound the part of it inside a stretch).
 */
export class StretchedCursor implements Cursor {
  doc = END;
  frequency = 0;
  readonly #inner: Cursor;
  /** Flat `[start, end)` pairs, ascending. */
  readonly #stretches: Uint32Array;
  #at = 0;

  constructor(inner: Cursor, stretches: Uint32Array) {
    this.#inner = inner;
    this.#stretches = stretches;
    this.#settle();
  }

  blockMaxFactor(averageLength: number): number {
    return this.#inner.blockMaxFactor(averageLength);
  }

  next(): void {
    this.#inner.next();
    this.#settle();
  }

  seek(target: number): void {
    this.#inner.seek(target);
    this.#settle();
  }

  skipBlock(): void {
    this.#inner.skipBlock();
    this.#settle();
  }

  #settle(): void {
    const inner = this.#inner;
    const stretches = this.#stretches;
    while (inner.doc !== END) {
      while (this.#at < stretches.length && stretches[this.#at + 1]! <= inner.doc) this.#at += 2;
      if (this.#at >= stretches.length) break;
      if (inner.doc >= stretches[this.#at]!) {
        this.doc = inner.doc;
        this.frequency = inner.frequency;
        return;
      }
      inner.seek(stretches[this.#at]!);
    }
    this.doc = END;
    this.frequency = 0;
  }
}
