/**
 * @module memory/full-text/text-index
 * One namespace's full-text index, held in process: the terms of each memory (FTS5's own
 * tokens, see fts5-tokens.ts), postings in doc order (postings.ts), and beside each document
 * what a reader's visibility and filters need (owner, access level, importance, creation
 * time), so top-k search (text-top-k.ts) skips what the reader may not see instead of
 * ranking it. Scores are FTS5's bm25() with weights 1 (content) and 0.5 (tags), over the
 * namespace's statistics. Everything sits in typed arrays (terms in term-dictionary.ts,
 * rowids in docs-by-key.ts), about 110 bytes a memory of the bench corpus.
 *
 * Written by hand: no JavaScript full-text library ranks exactly as FTS5 does with FTS5's
 * tokens, keeps a visibility filter inside its top-k, and fits typed arrays at this size.
 */
import { BuildPostings, type TermOrderedPostings } from './build-postings.js';
import { fts5Tokens } from './fts5-tokens.js';
import { termFactor } from './bm25.js';
import { DocsByKey } from './docs-by-key.js';
import { CreatedTimeZones } from './created-zones.js';
import { END, MergedCursor, PostingCursor, type Cursor } from './posting-cursor.js';
import { BLOCK, SealedPostings, SealedPostingsWriter } from './postings.js';
import { TermDictionary } from './term-dictionary.js';
import { grown, trimmed } from './typed-arrays.js';

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
/** Sealed bytes per posting before any seal: 1.66-1.72 measured on the benchmarks' notes (10,000 and 100,000). */
const BYTES_PER_POSTING = 1.75;
/** Terms with more postings than this keep their live document count between removals. */
const COUNTED_DF = BLOCK;

export class TextIndex {
  /** The namespace's first rowid: documents keep their rowid's offset from it (32 bits). */
  readonly base: number;
  /** Per document (dense ids, in the order added). */
  keys = new Uint32Array(0);
  lengths = new Uint32Array(0);
  agents = new Uint32Array(0);
  access = new Uint8Array(0);
  importance = new Float64Array(0);
  createdAt = new Float64Array(0);
  documents = 0;
  readonly terms = new TermDictionary();
  sealed = SealedPostings.empty();
  /** Postings since the last seal: term → [doc, frequency, doc, frequency, …]. */
  recent = new Map<number, number[]>();
  /** While a build adds documents: their postings, compactly, until the seal that ends it. */
  #build: BuildPostings | null = null;
  #recentPostings = 0;
  readonly agentIds = new Map<string, number>();
  readonly #byKey = new DocsByKey();
  readonly #zones = new CreatedTimeZones();
  /** Live document counts of long lists, valid while no document was removed since (`removals`). */
  readonly #counted = new Map<number, { df: number; removals: number }>();
  #live = 0;
  #liveTokens = 0;
  #dead = 0;
  #removals = 0;
  /** Changes so far (add or remove), for caches of derived results. */
  version = 0;
  /** Postings of phrases recently searched for, valid while `version` is unchanged. */
  readonly phraseCache = new Map<string, { version: number; docs: number[]; frequencies: number[] }>();

  constructor(base = 0) {
    this.base = base;
  }

  get size(): number {
    return this.#live;
  }

  get averageLength(): number {
    return this.#live === 0 ? 0 : this.#liveTokens / this.#live;
  }

  has(rowid: number): boolean {
    return this.#byKey.get(rowid - this.base, this.keys) >= 0;
  }

  /** The document of a rowid, or -1. */
  docOf(rowid: number): number {
    return this.#byKey.get(rowid - this.base, this.keys);
  }

  rowid(doc: number): number {
    return this.base + this.keys[doc]!;
  }

  /**
   * Starts building this empty index from `documents` documents: `add` then keeps their
   * postings compactly (build-postings.ts) and seals nothing until `seal()` ends the build;
   * searches see none of them before. Sealing on the way, as `add` does otherwise, rewrote
   * every posting each time the index grew by a quarter (15 seals for 100,000 memories, and
   * ~80 MB of short-lived buffers glibc kept resident after).
   */
  beginBuild(documents: number): void {
    if (this.documents > 0) throw new Error('a build starts from an empty index');
    this.reserve(documents);
    this.#build = new BuildPostings(documents);
  }

  /**
   * Adds (or replaces) a document. Outside a build, seals once the postings added since the
   * last seal are a quarter of the sealed ones.
   */
  add(document: IndexedDocument): void {
    this.remove(document.rowid);
    const doc = this.documents++;
    this.reserve(this.documents);
    const frequencies = new Map<number, number>();
    let length = 0;
    for (const [text, weight] of [
      [document.content, 2],
      [document.tags, 1],
    ] as const) {
      for (const token of fts5Tokens(text)) {
        const term = this.terms.add(token);
        frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
        length++;
      }
    }
    this.keys[doc] = document.rowid - this.base;
    this.lengths[doc] = length;
    let agent = this.agentIds.get(document.agentId);
    if (agent === undefined) this.agentIds.set(document.agentId, (agent = this.agentIds.size));
    this.agents[doc] = agent;
    this.access[doc] = ACCESS_CODES[document.accessLevel];
    this.importance[doc] = document.importance;
    this.createdAt[doc] = document.createdAt;
    this.#recentPostings += frequencies.size;
    this.#byKey.add(doc, this.keys);
    this.#live++;
    this.#liveTokens += length;
    this.version++;
    if (this.#build) {
      for (const [term, frequency] of frequencies) this.#build.add(term, frequency);
      this.#build.endDocument();
      return;
    }
    for (const [term, frequency] of frequencies) {
      let list = this.recent.get(term);
      if (!list) this.recent.set(term, (list = []));
      list.push(doc, frequency);
      const counted = this.#counted.get(term);
      if (counted) counted.df++;
    }
    if (this.#recentPostings > Math.max(RESEAL_MIN, this.sealed.postings / 4)) this.seal();
  }

  /** Forgets a document; false if it was not indexed. */
  remove(rowid: number): boolean {
    const doc = this.docOf(rowid);
    if (doc < 0) return false;
    this.#byKey.delete(rowid - this.base, this.keys);
    this.access[doc] = DEAD;
    this.#live--;
    this.#liveTokens -= this.lengths[doc]!;
    this.#dead++;
    this.#removals++;
    this.version++;
    if (this.#dead > Math.max(RESEAL_MIN / 10, this.#live / 4)) this.seal();
    return true;
  }

  /** The stretches of doc order that may hold the documents created in `[from, to)` (created-zones.ts). */
  createdStretches(from?: number, to?: number): Uint32Array | null {
    return this.#zones.stretches(this.createdAt, this.documents, this.sealed, from, to);
  }

  isLive(doc: number): boolean {
    return this.access[doc] !== DEAD;
  }

  /** The term's id, or undefined if no document ever held it. */
  term(token: string): number | undefined {
    const id = this.terms.id(token);
    return id < 0 ? undefined : id;
  }

  /** Live documents holding the term (counted from its postings; long lists' counts kept between removals). */
  documentFrequency(term: number): number {
    const counted = this.#counted.get(term);
    if (counted && counted.removals === this.#removals) return counted.df;
    let df = 0;
    let all = 0;
    for (const cursor = this.cursor(term); cursor.doc !== END; cursor.next()) {
      all++;
      if (this.access[cursor.doc] !== DEAD) df++;
    }
    if (all > COUNTED_DF) this.#counted.set(term, { df, removals: this.#removals });
    return df;
  }

  /** The most the term can contribute before IDF in any live document (see postings.ts). */
  maxFactor(term: number): number {
    return Math.max(...this.layerBounds(term));
  }

  /** The term's postings in doc order. */
  cursor(term: number): Cursor {
    const [first, ...rest] = this.layers(term);
    return rest.reduce<Cursor>((merged, layer) => new MergedCursor(merged, layer), first!);
  }

  /**
   * The term's postings as disjoint lists in doc order: a layered term's layers, best first,
   * those added since with the first (see postings.ts); any other term's all together.
   */
  layers(term: number): PostingCursor[] {
    const recent = this.recent.get(term) ?? NO_POSTINGS;
    const ranges = this.sealed.blocksOf(term);
    if (ranges.length === 0) return [new PostingCursor(this.sealed, term, recent)];
    return ranges.map((range, i) => new PostingCursor(this.sealed, range, i === 0 ? recent : NO_POSTINGS));
  }

  /** The most each of the term's layers can contribute before IDF in a live document. */
  layerBounds(term: number): number[] {
    const sealed = this.sealed;
    const averageLength = this.averageLength;
    const recent = this.recent.get(term) ?? NO_POSTINGS;
    let recentMax = 0;
    for (let i = 0; i < recent.length; i += 2) {
      recentMax = Math.max(recentMax, termFactor(recent[i + 1]!, this.lengths[recent[i]!]!, averageLength));
    }
    const ranges = sealed.blocksOf(term);
    if (ranges.length === 0) {
      let max = recentMax;
      const docs = new Uint32Array(BLOCK);
      const codes = new Uint32Array(BLOCK);
      const n = sealed.decodeShort(term, docs, codes);
      for (let i = 0; i < n; i++) max = Math.max(max, termFactor(codes[i]!, this.lengths[docs[i]!]!, averageLength));
      return [max];
    }
    const scale = Math.max(1, averageLength / sealed.averageLength);
    return ranges.map((range, i) => Math.max(sealed.maxFactor(range) * scale, i === 0 ? recentMax : 0));
  }

  /**
   * Rewrites the postings into one sealed segment without the dead documents, renumbering
   * the live ones densely (their order kept), and gives back the arrays' spare room.
   */
  seal(): void {
    const renumber = new Int32Array(this.documents);
    const liveDocs = new Uint32Array(this.#live);
    let live = 0;
    for (let doc = 0; doc < this.documents; doc++) {
      renumber[doc] = this.access[doc] === DEAD ? -1 : live;
      if (this.access[doc] !== DEAD) {
        this.keys[live] = this.keys[doc]!;
        this.lengths[live] = this.lengths[doc]!;
        this.agents[live] = this.agents[doc]!;
        this.access[live] = this.access[doc]!;
        this.importance[live] = this.importance[doc]!;
        this.createdAt[live] = this.createdAt[doc]!;
        liveDocs[live] = live;
        live++;
      }
    }
    this.documents = live;
    this.#trim();
    this.#byKey.rebuild(this.keys, liveDocs);
    const termCount = this.terms.size;
    const writer = new SealedPostingsWriter(termCount, this.averageLength, this.#expectedSealedBytes());
    const list = { docs: new Uint32Array(BLOCK), codes: new Uint32Array(BLOCK) };
    const block = { docs: new Uint32Array(BLOCK), codes: new Uint32Array(BLOCK) };
    // A build's postings (nothing was sealed or recent before it), or the sealed and recent ones.
    const built = this.#build?.byTerm(termCount, renumber);
    this.#build = null;
    for (let term = 0; term < termCount; term++) {
      const n = built ? builtList(built, term, list) : this.#collect(term, renumber, list, block);
      if (n > 0) writer.write(term, list.docs, list.codes, n, this.lengths);
      if (n > COUNTED_DF) this.#counted.set(term, { df: n, removals: this.#removals });
      else this.#counted.delete(term);
    }
    this.sealed = writer.finish();
    this.recent = new Map();
    this.#recentPostings = 0;
    this.#dead = 0;
    this.terms.trim();
    this.version++;
  }

  /** A term's live postings, renumbered, into `list` (grown as needed); returns their count. */
  #collect(
    term: number,
    renumber: Int32Array,
    list: { docs: Uint32Array; codes: Uint32Array },
    { docs, codes }: { docs: Uint32Array; codes: Uint32Array },
  ): number {
    let n = 0;
    const keep = (doc: number, code: number) => {
      const renumbered = renumber[doc]!;
      if (renumbered < 0) return;
      if (n === list.docs.length) [list.docs, list.codes] = [grown(list.docs, n + 1), grown(list.codes, n + 1)];
      list.docs[n] = renumbered;
      list.codes[n++] = code;
    };
    if (this.sealed.blocksOf(term).length === 0) {
      // Most terms: a short list, decoded without a cursor.
      const count = this.sealed.decodeShort(term, docs, codes);
      for (let i = 0; i < count; i++) keep(docs[i]!, codes[i]!);
      const recent = this.recent.get(term) ?? NO_POSTINGS;
      for (let i = 0; i < recent.length; i += 2) keep(recent[i]!, recent[i + 1]!);
    } else {
      for (const cursor = this.cursor(term); cursor.doc !== END; cursor.next()) keep(cursor.doc, cursor.frequency);
    }
    return n;
  }

  /** Bytes held in typed arrays (the recent postings and small maps come on top). */
  get byteLength(): number {
    return (
      this.sealed.byteLength +
      this.terms.byteLength +
      this.#byKey.byteLength +
      this.keys.byteLength +
      this.lengths.byteLength +
      this.agents.byteLength +
      this.access.byteLength +
      this.importance.byteLength +
      this.createdAt.byteLength
    );
  }

  /** Bytes the next seal should need: postings times the last seal's bytes per posting, and a little room. */
  #expectedSealedBytes(): number {
    const { postings, bytes } = this.sealed;
    const perPosting = postings > 0 ? bytes.length / postings : BYTES_PER_POSTING;
    return Math.ceil((postings + this.#recentPostings) * perPosting * 1.04) + 1024;
  }

  /** Makes room for `n` documents in all: a build that knows its row count grows nothing. */
  reserve(n: number): void {
    this.keys = grown(this.keys, n);
    this.lengths = grown(this.lengths, n);
    this.agents = grown(this.agents, n);
    this.access = grown(this.access, n);
    this.importance = grown(this.importance, n);
    this.createdAt = grown(this.createdAt, n);
  }

  #trim(): void {
    const n = this.documents;
    this.keys = trimmed(this.keys, n);
    this.lengths = trimmed(this.lengths, n);
    this.agents = trimmed(this.agents, n);
    this.access = trimmed(this.access, n);
    this.importance = trimmed(this.importance, n);
    this.createdAt = trimmed(this.createdAt, n);
  }
}

/** Term `term`'s postings of a build, as views into `list` (no copy); returns their count. */
function builtList(built: TermOrderedPostings, term: number, list: { docs: Uint32Array; codes: Uint32Array }): number {
  const start = built.starts[term]!;
  const end = built.starts[term + 1]!;
  list.docs = built.docs.subarray(start, end);
  list.codes = built.codes.subarray(start, end);
  return end - start;
}
