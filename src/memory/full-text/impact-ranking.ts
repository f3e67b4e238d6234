/**
 * @module memory/full-text/impact-ranking
 * The bookkeeping of an exact top-k over impact-ordered posting lists (Fagin's combined
 * algorithm): each query word's postings are read best first; a document seen in some lists
 * has a known part of its score and, for each list it was not seen in, at most that list's
 * last impact read; a document seen in none has at most the sum of those (the threshold).
 * The caller reads more of the lists (`deepen`), or looks up the missing impacts and the
 * visibility of the most promising documents (`check`), until no document left unchecked can
 * reach the k-th visible score. Scores are summed in word order, so a document scores the same
 * whichever way its impacts were found; ties go to the newer document (the higher id).
 * Documents come by their numbers (DocNumbers), given once when their postings were read, so
 * reading a posting indexes arrays and hashes nothing.
 *
 * Written by hand: no library runs a threshold algorithm whose lists are read on demand (from
 * PostgreSQL) and whose visibility is known only after a lookup.
 */

import type { DocNumbers } from './doc-numbers.js';
import { TopK } from './top-k-heap.js';
import { grown } from './typed-arrays.js';

/** A bound within this relative distance of a score may tie it once summed in another order. */
const ROUNDING = 1e-12;

export type RankingStep =
  | { kind: 'settled'; hits: Array<{ id: number; score: number }> }
  /** Read further down the lists that are not read to their end. */
  | { kind: 'deepen' }
  /** Look up these documents' impacts and visibility (by number), then `record` them. */
  | { kind: 'check'; docs: number[] };

/** A document's state: unchecked (0), checked and visible, checked and hidden, or out of the running. */
const VISIBLE = 1;
const HIDDEN = 2;
/** Unchecked, but its best possible score is below a visible k-th score: never again a candidate. */
const BEATEN = 3;
/** Known from elsewhere to hold none of the words: its postings are stale, it is not a match. */
const GONE = 4;
/** The best known scores kept: HOPEFUL_DEPTH × k, to estimate the k-th visible when few are visible. */
const HOPEFUL_DEPTH = 8;
/** Up to this many words, which impacts a document has is kept as a bit mask. */
const MASKED_TERMS = 12;

export class ImpactRanking {
  readonly #weights: readonly number[];
  readonly #k: number;
  readonly #terms: number;
  /** Per term: the most an unread posting can have, and whether its list was read to the end. */
  readonly #bound: Float64Array;
  readonly #ended: Uint8Array;
  readonly #docs: DocNumbers;
  /** Per document number: its slot + 1 (0: not seen yet). */
  #slotOf = new Int32Array(0);
  readonly #expected: number;
  /** Per slot: the document's id (ties go to the higher). */
  #ids = new Float64Array(0);
  #count = 0;
  /** Per slot and term: the impact, 0 for a word the document lacks, NaN while unknown. */
  #impacts = new Float64Array(0);
  #state = new Uint8Array(0);
  /** Per slot: how many of its impacts are still unknown, which are known (a bit each), and their sum. */
  #unknown = new Uint8Array(0);
  #mask = new Int32Array(0);
  #partial = new Float64Array(0);
  /** The k best visible documents checked so far. */
  readonly #visible: TopK;
  /** Per slot, during `next`: the most the document can score (exact once all is known). */
  #upper = new Float64Array(0);
  /**
   * The k best documents whose score is known, visible or not yet checked: where the k-th
   * visible score may end up. Kept as impacts come in, so that reading on is decided without
   * a pass over every document; rebuilt after a list ends or a known document turns out hidden.
   */
  #hopeful: TopK;
  #hopefulStale = false;

  /** `docs`: the numbers documents come by; `expected`: about how many will be seen (sizes the tables once). */
  constructor(weights: readonly number[], k: number, docs: DocNumbers, expected = 1024) {
    this.#weights = weights;
    this.#k = k;
    this.#terms = weights.length;
    this.#bound = new Float64Array(this.#terms).fill(Infinity);
    this.#ended = new Uint8Array(this.#terms);
    this.#docs = docs;
    this.#expected = expected;
    this.#hopeful = new TopK(k * HOPEFUL_DEPTH);
    this.#visible = new TopK(k);
  }

  /** Documents seen so far. */
  get size(): number {
    return this.#count;
  }

  /**
   * A document whose impacts are all known (0 for a word it lacks), whatever the lists say about
   * it: before any posting is read.
   */
  know(doc: number, impacts: ArrayLike<number>): void {
    const slot = this.#slot(doc);
    for (let t = 0; t < this.#terms; t++) this.#impacts[slot * this.#terms + t] = impacts[t]!;
    this.#settle(slot);
    if (this.#partial[slot] === 0) this.#state[slot] = GONE;
    else this.#hopeful.offer(this.#partial[slot]!, this.#ids[slot]!);
  }

  /** Postings `from` to `to` of a term's list (best first): document numbers and their impacts for the term. */
  read(term: number, docs: Int32Array, impacts: Float64Array, from: number, to: number): void {
    const m = this.#terms;
    const weight = this.#weights[term]!;
    const bit = 1 << term;
    for (let i = from; i < to; i++) {
      const slot = this.#slot(docs[i]!); // may grow the per-slot arrays: read them after
      const at = slot * m + term;
      const known = this.#impacts;
      if (known[at] === known[at]) continue; // known already (not NaN)
      const impact = impacts[i]!;
      known[at] = impact;
      this.#partial[slot] = this.#partial[slot]! + weight * impact;
      this.#mask[slot] = this.#mask[slot]! | bit;
      if (--this.#unknown[slot]! === 0 && this.#state[slot] !== HIDDEN)
        this.#hopeful.offer(this.#score(slot), this.#ids[slot]!);
    }
  }

  /** The most a document not yet read from the term's list can have for it. */
  bound(term: number, impact: number): void {
    this.#bound[term] = impact;
  }

  /** The term's list was read to its end: a document not read from it lacks the word. */
  end(term: number): void {
    if (!this.#ended[term]) this.#hopefulStale = true;
    this.#ended[term] = 1;
    this.#bound[term] = 0;
  }

  /**
   * The result of a check: null if the reader may not see the document, else the impacts
   * looked up (NaN for a word not looked up); a word still unknown after it is one the
   * document lacks.
   */
  record(doc: number, impacts: ArrayLike<number> | null): void {
    const slot = this.#slot(doc);
    if (impacts === null) {
      this.#state[slot] = HIDDEN;
      this.#hopefulStale = true;
      return;
    }
    for (let t = 0; t < this.#terms; t++) {
      const at = slot * this.#terms + t;
      if (!Number.isNaN(impacts[t]!)) this.#impacts[at] = impacts[t]!;
      else if (Number.isNaN(this.#impacts[at]!)) this.#impacts[at] = 0;
    }
    this.#state[slot] = VISIBLE;
    const complete = this.#unknown[slot] === 0;
    this.#settle(slot);
    if (!complete) this.#hopeful.offer(this.#partial[slot]!, this.#ids[slot]!);
    this.#visible.offer(this.#partial[slot]!, this.#ids[slot]!);
  }

  /** Where the k-th visible score may end up: the k / expectVisible-th best score known (not hidden). */
  #estimate(expectVisible: number): number {
    const rank = Math.min(this.#k * HOPEFUL_DEPTH, Math.ceil(this.#k / Math.max(expectVisible, 1 / HOPEFUL_DEPTH)));
    if (rank <= this.#k) return this.#hopeful.size >= this.#k ? this.#kthOf(this.#k) : -Infinity;
    return this.#hopeful.size >= rank ? this.#kthOf(rank) : -Infinity;
  }

  #kthOf(rank: number): number {
    return rank === this.#hopeful.size ? this.#hopeful.minScore : this.#hopeful.sorted()[rank - 1]!.score;
  }

  /** The words whose impact a document may have but is not known yet (what a check looks up). */
  missing(doc: number): number[] {
    const slot = doc < this.#slotOf.length ? this.#slotOf[doc]! - 1 : -1;
    const out: number[] = [];
    for (let t = 0; t < this.#terms; t++) {
      if (!this.#ended[t] && (slot < 0 || Number.isNaN(this.#impacts[slot * this.#terms + t]!))) out.push(t);
    }
    return out;
  }

  /**
   * What to do next: read on, check up to `checkAtMost` documents (best first), or the
   * settled top k. With more than `readOnAbove` documents that may reach the estimate of the
   * k-th score, reading on rules most of them out more cheaply than checking them. A check
   * takes the documents that may reach the estimate (at least the k best), or with `fill`
   * (the reader sees few of those checked) the `checkAtMost` best. `expectVisible`: the share
   * of documents checked so far that the reader may see; the k-th visible score is then
   * estimated lower (the k / expectVisible-th best known score, within HOPEFUL_DEPTH × k).
   */
  next(checkAtMost: number, readOnAbove = checkAtMost, fill = false, expectVisible = 1): RankingStep {
    const m = this.#terms;
    const weights = this.#weights;
    const bound = new Float64Array(m);
    let threshold = 0;
    let allEnded = true;
    for (let t = 0; t < m; t++) {
      bound[t] = this.#ended[t] ? 0 : weights[t]! * this.#bound[t]!;
      threshold += bound[t]!;
      if (!this.#ended[t]) allEnded = false;
    }
    // Nothing can settle while the threshold is above the best estimate of the k-th score.
    if (this.#hopefulStale) this.#rebuildHopeful();
    const hoped = this.#estimate(expectVisible);
    if (!allEnded && threshold * (1 + ROUNDING) >= hoped) return { kind: 'deepen' };
    // One pass over the unchecked documents: the most each can score. Those below a visible
    // k-th score are out for good (bounds only fall as lists are read).
    const kth = this.#visible.full ? this.#visible.minScore : -Infinity;
    const upper = this.#upper;
    const states = this.#state;
    const unknownBound = this.#unknownBounds(bound);
    const partial = this.#partial;
    const masks = this.#mask;
    const count = this.#count;
    let open = 0;
    for (let slot = 0; slot < count; slot++) {
      if (states[slot] !== 0) continue;
      const most = unknownBound ? partial[slot]! + unknownBound[masks[slot]!]! : this.#most(slot, bound);
      if (most * (1 + ROUNDING) < kth) {
        states[slot] = BEATEN;
        continue;
      }
      upper[slot] = most;
      open++;
    }
    if (open === 0) {
      const settled = (this.#visible.full && threshold * (1 + ROUNDING) < kth) || allEnded;
      return settled ? { kind: 'settled', hits: this.#visible.sorted() } : { kind: 'deepen' };
    }
    // Check the unchecked documents that may reach the estimate, best first (or, if none may,
    // the k that may score most: the estimate was too high).
    const ids = this.#ids;
    const best = new TopK(checkAtMost);
    let hopeful = 0;
    for (let slot = 0; slot < count; slot++) {
      if (states[slot] !== 0) continue;
      if (upper[slot]! * (1 + ROUNDING) >= hoped) hopeful++;
      best.offer(upper[slot]!, ids[slot]!);
    }
    if (!allEnded && hopeful > readOnAbove) return { kind: 'deepen' };
    const take = fill ? checkAtMost : Math.max(hopeful, Math.min(this.#k, checkAtMost));
    return {
      kind: 'check',
      docs: best
        .sorted()
        .slice(0, take)
        .map((hit) => this.#docs.find(hit.id)),
    };
  }

  /** For each mask of known words, what the unknown ones can add (null past MASKED_TERMS words). */
  #unknownBounds(bound: Float64Array): Float64Array | null {
    const m = this.#terms;
    if (m > MASKED_TERMS) return null;
    const table = new Float64Array(1 << m);
    for (let mask = 0; mask < table.length; mask++) {
      for (let t = 0; t < m; t++) if ((mask & (1 << t)) === 0) table[mask] = table[mask]! + bound[t]!;
    }
    return table;
  }

  /** The most a document can score: its known impacts and the bounds of the others (many words). */
  #most(slot: number, bound: Float64Array): number {
    let most = 0;
    for (let t = 0, at = slot * this.#terms; t < this.#terms; t++, at++) {
      const impact = this.#impacts[at]!;
      most += impact === impact ? this.#weights[t]! * impact : bound[t]!;
    }
    return most;
  }

  /** A document whose impacts are now all known (0 where unknown): its sum, in word order. */
  #settle(slot: number): void {
    for (let t = 0, at = slot * this.#terms; t < this.#terms; t++, at++) {
      if (Number.isNaN(this.#impacts[at]!)) this.#impacts[at] = 0;
    }
    this.#unknown[slot] = 0;
    this.#mask[slot] = (1 << Math.min(this.#terms, 30)) - 1;
    this.#partial[slot] = this.#score(slot);
  }

  /** A document's score from its known impacts (a word unknown counts 0), summed in word order. */
  #score(slot: number): number {
    let score = 0;
    for (let t = 0, at = slot * this.#terms; t < this.#terms; t++, at++) {
      const impact = this.#impacts[at]!;
      if (impact === impact) score += this.#weights[t]! * impact;
    }
    return score;
  }

  /** The k best documents complete now (every impact known, or its list read to the end), not hidden. */
  #rebuildHopeful(): void {
    this.#hopefulStale = false;
    this.#hopeful = new TopK(this.#k * HOPEFUL_DEPTH);
    const m = this.#terms;
    for (let slot = 0; slot < this.#count; slot++) {
      if (this.#state[slot] === HIDDEN || this.#state[slot] === GONE) continue;
      let complete = true;
      for (let t = 0, at = slot * m; t < m && complete; t++, at++) {
        if (Number.isNaN(this.#impacts[at]!) && !this.#ended[t]) complete = false;
      }
      if (complete) this.#hopeful.offer(this.#score(slot), this.#ids[slot]!);
    }
  }

  /** The document's slot, given on first sight (the per-slot arrays grow then). */
  #slot(doc: number): number {
    if (doc >= this.#slotOf.length) this.#slotOf = grown(this.#slotOf, Math.max(doc + 1, this.#docs.size));
    const known = this.#slotOf[doc]!;
    if (known > 0) return known - 1;
    const slot = this.#count++;
    this.#slotOf[doc] = slot + 1;
    const m = this.#terms;
    if (slot >= this.#ids.length) {
      // At least twice the slots and grown()'s minimum: every per-slot array then gets exactly this.
      const capacity = Math.max(this.#expected, slot * 2, 64);
      this.#impacts = grown(this.#impacts, capacity * m);
      this.#impacts.fill(NaN, slot * m);
      this.#ids = grown(this.#ids, capacity);
      this.#state = grown(this.#state, capacity);
      this.#unknown = grown(this.#unknown, capacity);
      this.#mask = grown(this.#mask, capacity);
      this.#partial = grown(this.#partial, capacity);
      this.#upper = new Float64Array(capacity);
    }
    this.#ids[slot] = this.#docs.id(doc);
    this.#unknown[slot] = Math.min(m, 255);
    return slot;
  }
}
