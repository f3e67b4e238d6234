/**
 * @module memory/full-text/text-index
 * One namespace's full-text index, held in process: the terms of each memory (FTS5's own
 * tokens, see fts5-tokens.ts), postings in doc order (postings.ts), and beside each document
 * what a reader's visibility and filters need (owner, access level, importance, creation
 * time), so top-k search (text-top-k.ts) skips what the reader may not see instead of
 * ranking it. Scores are FTS5's bm25() with weights 1 (content) and 0.5 (tags), over the
 * namespace's statistics.
 *
 * Written by hand: no JavaScript full-text library ranks exactly as FTS5 does with FTS5's
 * tokens, keeps a visibility filter inside its top-k, and fits typed arrays at this size.
 */
import { fts5Tokens } from './fts5-tokens.js';
import { termFactor } from './bm25.js';
import { END, PostingCursor } from './posting-cursor.js';
import { SealedPostings, SealedPostingsWriter } from './postings.js';

const NO_POSTINGS: readonly number[] = [];

export const ACCESS_CODES = { private: 1, shared: 2, team: 3, public: 4 } as const;
const DEAD = 0;

export interface IndexedDocument {
  rowid: number;
  content: string;
  /** The tags column as FTS5 indexes it (the JSON array). */
  tags: string;
  agentId: string;
  accessLevel: keyof typeof ACCESS_CODES;
  importance: number;
  createdAt: number;
}

/** Recent postings beyond which (or dead documents beyond which) the index is sealed anew. */
const RESEAL_MIN = 50_000;

function grown<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const copy = new (array.constructor as new (length: number) => T)(
    Math.max(needed, Math.ceil(array.length * 1.5), 64),
  );
  copy.set(array);
  return copy;
}

export class TextIndex {
  /** Per document (dense ids, in the order added). */
  rowids = new Float64Array(0);
  lengths = new Uint32Array(0);
  agents = new Uint32Array(0);
  access = new Uint8Array(0);
  importance = new Float64Array(0);
  createdAt = new Float64Array(0);
  documents = 0;
  /** Per term. */
  readonly terms = new Map<string, number>();
  maxFrequency = new Uint32Array(0);
  minLength = new Uint32Array(0);
  #df = new Int32Array(0);
  #dfRemovals = new Int32Array(0);
  sealed = SealedPostings.empty();
  /** Postings since the last seal: term → [doc, frequency, doc, frequency, …]. */
  recent = new Map<number, number[]>();
  #recentPostings = 0;
  readonly agentIds = new Map<string, number>();
  readonly #byRowid = new Map<number, number>();
  #live = 0;
  #liveTokens = 0;
  #dead = 0;
  /** Removals so far: a term's document frequency counted before the last one is recounted. */
  #removals = 0;
  /** Changes so far (add or remove), for caches of derived results. */
  version = 0;
  /** Postings of phrases recently searched for, valid while `version` is unchanged. */
  readonly phraseCache = new Map<string, { version: number; docs: number[]; frequencies: number[] }>();

  get size(): number {
    return this.#live;
  }

  get averageLength(): number {
    return this.#live === 0 ? 0 : this.#liveTokens / this.#live;
  }

  has(rowid: number): boolean {
    return this.#byRowid.has(rowid);
  }

  add(document: IndexedDocument): void {
    this.remove(document.rowid);
    const doc = this.documents++;
    this.#reserve(this.documents);
    const frequencies = new Map<number, number>();
    let length = 0;
    for (const [text, weight] of [
      [document.content, 2],
      [document.tags, 1],
    ] as const) {
      for (const token of fts5Tokens(text)) {
        const term = this.#termId(token);
        frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
        length++;
      }
    }
    this.rowids[doc] = document.rowid;
    this.lengths[doc] = length;
    let agent = this.agentIds.get(document.agentId);
    if (agent === undefined) this.agentIds.set(document.agentId, (agent = this.agentIds.size));
    this.agents[doc] = agent;
    this.access[doc] = ACCESS_CODES[document.accessLevel];
    this.importance[doc] = document.importance;
    this.createdAt[doc] = document.createdAt;
    for (const [term, frequency] of frequencies) {
      let list = this.recent.get(term);
      if (!list) this.recent.set(term, (list = []));
      list.push(doc, frequency);
      this.#df[term]!++;
      if (frequency > this.maxFrequency[term]!) this.maxFrequency[term] = frequency;
      if (length < this.minLength[term]!) this.minLength[term] = length;
    }
    this.#recentPostings += frequencies.size;
    this.#byRowid.set(document.rowid, doc);
    this.#live++;
    this.#liveTokens += length;
    this.version++;
    if (this.#recentPostings > Math.max(RESEAL_MIN, this.sealed.postings / 4)) this.seal();
  }

  /** Forgets a document; false if it was not indexed. */
  remove(rowid: number): boolean {
    const doc = this.#byRowid.get(rowid);
    if (doc === undefined) return false;
    this.#byRowid.delete(rowid);
    this.access[doc] = DEAD;
    this.#live--;
    this.#liveTokens -= this.lengths[doc]!;
    this.#dead++;
    this.#removals++;
    this.version++;
    if (this.#dead > Math.max(RESEAL_MIN / 10, this.#live / 4)) this.seal();
    return true;
  }

  isLive(doc: number): boolean {
    return this.access[doc] !== DEAD;
  }

  /** The term's id, or undefined if no document ever held it. */
  term(token: string): number | undefined {
    return this.terms.get(token);
  }

  /** Live documents holding the term (recounted from its postings after removals). */
  documentFrequency(term: number): number {
    if (this.#dfRemovals[term] !== this.#removals) {
      let df = 0;
      for (const cursor = this.cursor(term); cursor.doc !== END; cursor.next()) {
        if (this.access[cursor.doc] !== DEAD) df++;
      }
      this.#df[term] = df;
      this.#dfRemovals[term] = this.#removals;
    }
    return this.#df[term]!;
  }

  /** The most the term can contribute before IDF in any live document (see postings.ts). */
  maxFactor(term: number): number {
    const sealed = this.sealed;
    const [first, end] = sealed.blocksOf(term);
    let max = 0;
    for (let block = first; block < end; block++) max = Math.max(max, sealed.blockMaxFactor[block]!);
    max *= Math.max(1, this.averageLength / sealed.averageLength);
    // Postings since the sealing: bounded by the term's largest frequency and shortest document.
    if (this.recent.has(term))
      max = Math.max(max, termFactor(this.maxFrequency[term]!, this.minLength[term]!, this.averageLength));
    return max;
  }

  cursor(term: number): PostingCursor {
    return new PostingCursor(this.sealed, term, this.recent.get(term) ?? NO_POSTINGS);
  }

  /**
   * Rewrites the postings into one sealed segment without the dead documents, renumbering
   * the live ones densely (their order kept).
   */
  seal(): void {
    const renumber = new Int32Array(this.documents);
    let live = 0;
    for (let doc = 0; doc < this.documents; doc++) {
      renumber[doc] = this.access[doc] === DEAD ? -1 : live;
      if (this.access[doc] !== DEAD) {
        this.rowids[live] = this.rowids[doc]!;
        this.lengths[live] = this.lengths[doc]!;
        this.agents[live] = this.agents[doc]!;
        this.access[live] = this.access[doc]!;
        this.importance[live] = this.importance[doc]!;
        this.createdAt[live] = this.createdAt[doc]!;
        this.#byRowid.set(this.rowids[live]!, live);
        live++;
      }
    }
    const termCount = this.terms.size;
    const writer = new SealedPostingsWriter(termCount, this.averageLength);
    const docs = new Uint32Array(128);
    const frequencies = new Uint32Array(128);
    for (let term = 0; term < termCount; term++) {
      writer.startTerm(term);
      let df = 0;
      const [first, end] = this.sealed.blocksOf(term);
      for (let block = first; block < end; block++) {
        const n = this.sealed.decode(block, first, docs, frequencies);
        for (let i = 0; i < n; i++) {
          const doc = renumber[docs[i]!]!;
          if (doc >= 0) {
            writer.add(doc, frequencies[i]!, this.lengths[doc]!);
            df++;
          }
        }
      }
      const recent = this.recent.get(term) ?? [];
      for (let i = 0; i < recent.length; i += 2) {
        const doc = renumber[recent[i]!]!;
        if (doc >= 0) {
          writer.add(doc, recent[i + 1]!, this.lengths[doc]!);
          df++;
        }
      }
      this.#df[term] = df;
      this.#dfRemovals[term] = this.#removals;
    }
    this.sealed = writer.finish();
    this.recent = new Map();
    this.#recentPostings = 0;
    this.documents = live;
    this.#dead = 0;
    this.version++;
  }

  /** Bytes held in typed arrays (the maps of terms, rowids and recent postings come on top). */
  get byteLength(): number {
    return (
      this.sealed.byteLength +
      this.rowids.byteLength +
      this.lengths.byteLength +
      this.agents.byteLength +
      this.access.byteLength +
      this.importance.byteLength +
      this.createdAt.byteLength +
      this.maxFrequency.byteLength +
      this.minLength.byteLength +
      this.#df.byteLength +
      this.#dfRemovals.byteLength
    );
  }

  #termId(token: string): number {
    let term = this.terms.get(token);
    if (term === undefined) {
      term = this.terms.size;
      this.terms.set(token, term);
      const n = term + 1;
      this.maxFrequency = grown(this.maxFrequency, n);
      this.minLength = grown(this.minLength, n);
      this.#df = grown(this.#df, n);
      this.#dfRemovals = grown(this.#dfRemovals, n);
      this.minLength[term] = 0xffffffff;
      this.#dfRemovals[term] = this.#removals;
    }
    return term;
  }

  #reserve(n: number): void {
    this.rowids = grown(this.rowids, n);
    this.lengths = grown(this.lengths, n);
    this.agents = grown(this.agents, n);
    this.access = grown(this.access, n);
    this.importance = grown(this.importance, n);
    this.createdAt = grown(this.createdAt, n);
  }
}
