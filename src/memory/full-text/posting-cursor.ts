import { BLOCK, type SealedPostings } from './postings.js';

export const END = 0xffffffff;

/**
 * Walks one term's postings in doc order: its sealed blocks, then the postings added since
 * (pairs of doc and frequency). Each sealed block is decoded when first entered; a block can
 * be skipped whole when its bound (largest frequency, shortest document) cannot make the top k.
 */
export class PostingCursor {
  doc = END;
  frequency = 0;
  readonly #sealed: SealedPostings;
  readonly #recent: readonly number[];
  readonly #firstBlock: number;
  readonly #endBlock: number;
  #block: number;
  #docs = new Uint32Array(BLOCK);
  #frequencies = new Uint32Array(BLOCK);
  #count = 0;
  #at = 0;
  /** Position in #recent once the sealed blocks are done, else -1. */
  #recentAt = -1;

  constructor(sealed: SealedPostings, term: number, recent: readonly number[]) {
    this.#sealed = sealed;
    this.#recent = recent;
    [this.#firstBlock, this.#endBlock] = sealed.blocksOf(term);
    this.#block = this.#firstBlock - 1;
    this.#nextBlock();
  }

  /**
   * The most the current block's documents can score before IDF at this average length
   * (see postings.ts), or -1 in the recent part, which has no bound of its own.
   */
  blockMaxFactor(averageLength: number): number {
    if (this.#recentAt >= 0) return -1;
    const sealed = this.#sealed;
    return sealed.blockMaxFactor[this.#block]! * Math.max(1, averageLength / sealed.averageLength);
  }

  /** The last doc of the current block (or END in the recent part). */
  get blockLastDoc(): number {
    return this.#recentAt < 0 ? this.#sealed.blockLastDoc[this.#block]! : END;
  }

  next(): void {
    if (this.#recentAt >= 0) {
      this.#recentAt += 2;
      this.#loadRecent();
    } else if (++this.#at < this.#count) {
      this.doc = this.#docs[this.#at]!;
      this.frequency = this.#frequencies[this.#at]!;
    } else {
      this.#nextBlock();
    }
  }

  /** Moves to the first posting with doc ≥ target. */
  seek(target: number): void {
    if (this.doc >= target) return;
    if (this.#recentAt < 0) {
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
    if (this.#recentAt < 0) this.#nextBlock();
  }

  #pendingDecode = false;

  #nextBlock(decode = true): void {
    this.#block++;
    this.#at = 0;
    if (this.#block < this.#endBlock) {
      this.#pendingDecode = true;
      if (decode) this.#decodeIfNeeded();
      return;
    }
    this.#recentAt = 0;
    this.#loadRecent();
  }

  #decodeIfNeeded(): void {
    if (!this.#pendingDecode) return;
    this.#pendingDecode = false;
    this.#count = this.#sealed.decode(this.#block, this.#firstBlock, this.#docs, this.#frequencies);
    this.doc = this.#docs[0]!;
    this.frequency = this.#frequencies[0]!;
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
