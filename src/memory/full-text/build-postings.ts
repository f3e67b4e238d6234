/**
 * @module memory/full-text/build-postings
 * A build's postings until its one seal: each document's (term, frequency) pairs in typed
 * arrays, in doc order, then counted out term by term for the seal. Held as plain arrays per
 * term, a 100,000-memory build's postings took ~40 MiB of V8 heap, which V8 gave back only
 * when the server idled; sealed on the way, the seals' buffers stayed with glibc. Here they
 * cost 8 bytes a posting, in chunks dropped with the build.
 */
import { grown } from './typed-arrays.js';

/** Pairs per chunk (1 MiB): a build grows by whole chunks, never copying what it holds. */
const CHUNK_BITS = 17;
const CHUNK = 1 << CHUNK_BITS;

/** Postings by term, docs ascending: term t's are `docs` and `codes` in [starts[t], starts[t + 1]). */
export interface TermOrderedPostings {
  starts: Uint32Array;
  docs: Uint32Array;
  codes: Uint32Array;
}

export class BuildPostings {
  /** [term, frequency, term, frequency, …], CHUNK pairs each. */
  readonly #chunks: Uint32Array[] = [];
  #pairs = 0;
  /** Pairs held after each document (documents are numbered in the order they end). */
  #documentEnd: Uint32Array;
  #documents = 0;

  constructor(expectedDocuments: number) {
    this.#documentEnd = new Uint32Array(expectedDocuments);
  }

  /** One of the current document's terms. */
  add(term: number, frequency: number): void {
    const at = this.#pairs & (CHUNK - 1);
    if (at === 0) this.#chunks.push(new Uint32Array(CHUNK * 2));
    const chunk = this.#chunks[this.#chunks.length - 1]!;
    chunk[at * 2] = term;
    chunk[at * 2 + 1] = frequency;
    this.#pairs++;
  }

  /** Ends the current document: its terms were added since the last call. */
  endDocument(): void {
    const doc = this.#documents++;
    this.#documentEnd = grown(this.#documentEnd, doc + 1);
    this.#documentEnd[doc] = this.#pairs;
  }

  /** Every posting by term, its document renumbered (a negative number leaves it out). */
  byTerm(terms: number, renumber: Int32Array): TermOrderedPostings {
    const starts = new Uint32Array(terms + 1);
    // Counting sort: how many each term has, then each posting put in its term's next place.
    // Documents are visited in order, so each term's docs come out ascending.
    for (let doc = 0, pair = 0; doc < this.#documents; doc++) {
      const end = this.#documentEnd[doc]!;
      if (renumber[doc]! < 0) pair = end;
      for (; pair < end; pair++) starts[this.#chunks[pair >>> CHUNK_BITS]![(pair & (CHUNK - 1)) * 2]! + 1]!++;
    }
    for (let term = 0; term < terms; term++) starts[term + 1]! += starts[term]!;
    const next = starts.slice(0, terms);
    const docs = new Uint32Array(starts[terms]!);
    const codes = new Uint32Array(starts[terms]!);
    for (let doc = 0, pair = 0; doc < this.#documents; doc++) {
      const end = this.#documentEnd[doc]!;
      const renumbered = renumber[doc]!;
      if (renumbered < 0) pair = end;
      for (; pair < end; pair++) {
        const chunk = this.#chunks[pair >>> CHUNK_BITS]!;
        const at = (pair & (CHUNK - 1)) * 2;
        const place = next[chunk[at]!]!++;
        docs[place] = renumbered;
        codes[place] = chunk[at + 1]!;
      }
    }
    return { starts, docs, codes };
  }
}
