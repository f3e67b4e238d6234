/**
 * Exact top-k BM25 over a TextIndex without scoring every match: MaxScore (terms whose
 * combined upper bound cannot reach the k-th score are only probed for documents the others
 * found), and when one list is left to drive, whole blocks whose bound cannot reach it are
 * skipped (block-max). Documents the reader may not see, or the filters reject, are passed
 * over before they are scored, so the k returned are the best the reader may see.
 */
import { termFactor } from './bm25.js';
import { END } from './posting-cursor.js';
import { fts5Tokens } from './fts5-tokens.js';
import { ACCESS_CODES, type TextIndex } from './text-index.js';

/**
 * A sum of n doubles taken in another order may differ by a few units in the last place: a
 * bound of n terms must stay below the k-th score by this much × n − 1 to prune.
 */
const ROUNDING = 4 * Number.EPSILON;

export interface TextHit {
  rowid: number;
  /** FTS5's bm25() with weights 1 and 0.5, negated (higher is better). */
  score: number;
}

/** Who reads and what they asked to keep: applied inside the top-k. */
export interface TextFilter {
  /** The reading agent; null sees every memory of the namespace (admin). */
  agentId: string | null;
  /** Only the reading agent's own memories. */
  ownOnly?: boolean;
  minImportance?: number;
  /** Creation time window, epoch ms: from inclusive, to exclusive. */
  from?: number;
  to?: number;
  /** Rowids that pass (the memories carrying every required tag); undefined: all. */
  allowed?: ReadonlySet<number>;
}

/** The texts of memories by rowid, to check phrases (a phrase needs its words in order). */
export type TextSource = (rowids: readonly number[]) => Map<number, { content: string; tags: string }>;

interface Cursor {
  doc: number;
  frequency: number;
  blockMaxFactor(averageLength: number): number;
  next(): void;
  seek(target: number): void;
  skipBlock(): void;
}

interface QueryTerm {
  cursor: Cursor;
  idf: number;
  upperBound: number;
}

/**
 * The best k matches the filter lets through, best first. Equal scores go to the document
 * indexed first, so a later one that can at most tie is never read (blocks of equally short
 * memories are skipped whole).
 */
export function topK(
  index: TextIndex,
  phrases: readonly string[],
  k: number,
  filter: TextFilter,
  source: TextSource,
): TextHit[] {
  const terms = queryTerms(index, phrases, source).sort((a, b) => a.upperBound - b.upperBound);
  if (terms.length === 0 || k <= 0) return [];
  const visible = visibility(index, filter);
  const score = scorer(index);
  const prefix = [0];
  for (const t of terms) prefix.push(prefix[prefix.length - 1]! + t.upperBound);
  const heap = new HitHeap(k);
  let firstEssential = 0;
  const m = terms.length;
  // Whether a bound summed over n terms cannot beat the k-th score.
  const pruned = (bound: number, n: number) => heap.full && bound + (n - 1) * ROUNDING * heap.minScore <= heap.minScore;
  for (;;) {
    while (firstEssential < m && pruned(prefix[firstEssential + 1]!, firstEssential + 1)) firstEssential++;
    if (firstEssential === m) break;
    let doc = END;
    for (let i = firstEssential; i < m; i++) doc = Math.min(doc, terms[i]!.cursor.doc);
    if (doc === END) break;
    if (firstEssential === m - 1 && heap.full) {
      const { cursor, idf } = terms[m - 1]!;
      const factor = cursor.blockMaxFactor(index.averageLength);
      if (factor >= 0) {
        const bound = idf * factor + prefix[m - 1]!;
        if (pruned(bound, m)) {
          cursor.skipBlock();
          continue;
        }
      }
    }
    if (!visible(doc)) {
      for (let i = firstEssential; i < m; i++) if (terms[i]!.cursor.doc === doc) terms[i]!.cursor.next();
      continue;
    }
    const length = index.lengths[doc]!;
    let total = 0;
    for (let i = firstEssential; i < m; i++) {
      const { cursor, idf } = terms[i]!;
      if (cursor.doc === doc) {
        total += idf * score(cursor.frequency, length);
        cursor.next();
      }
    }
    let complete = true;
    for (let i = firstEssential - 1; i >= 0; i--) {
      if (pruned(total + prefix[i + 1]!, m)) {
        complete = false;
        break;
      }
      const { cursor, idf } = terms[i]!;
      cursor.seek(doc);
      if (cursor.doc === doc) total += idf * score(cursor.frequency, length);
    }
    if (complete) heap.offer(total, doc);
  }
  return heap.sorted().map(({ doc, score }) => ({ rowid: index.rowids[doc]!, score }));
}

/** Every match the filter lets through, scored, in no particular order (for other orders). */
export function allMatches(
  index: TextIndex,
  phrases: readonly string[],
  filter: TextFilter,
  source: TextSource,
): TextHit[] {
  const terms = queryTerms(index, phrases, source);
  const visible = visibility(index, filter);
  const score = scorer(index);
  const hits: TextHit[] = [];
  for (;;) {
    let doc = END;
    for (const t of terms) doc = Math.min(doc, t.cursor.doc);
    if (doc === END) return hits;
    const pass = visible(doc);
    let total = 0;
    for (const { cursor, idf } of terms) {
      if (cursor.doc !== doc) continue;
      if (pass) total += idf * score(cursor.frequency, index.lengths[doc]!);
      cursor.next();
    }
    if (pass) hits.push({ rowid: index.rowids[doc]!, score: total });
  }
}

function scorer(index: TextIndex): (frequencyCode: number, length: number) => number {
  const averageLength = index.averageLength;
  return (code, length) => termFactor(code, length, averageLength);
}

function visibility(index: TextIndex, filter: TextFilter): (doc: number) => boolean {
  const agent = filter.agentId === null ? -1 : (index.agentIds.get(filter.agentId) ?? -2);
  const { minImportance, from, to, allowed, ownOnly } = filter;
  return (doc) => {
    const access = index.access[doc]!;
    if (access === 0) return false;
    if (ownOnly && agent !== -1 && index.agents[doc] !== agent) return false;
    // Shared memories pass here; the store checks the sharing list of those it returns.
    if (agent !== -1 && access === ACCESS_CODES.private && index.agents[doc] !== agent) return false;
    if (minImportance !== undefined && index.importance[doc]! < minImportance) return false;
    if (from !== undefined && index.createdAt[doc]! < from) return false;
    if (to !== undefined && index.createdAt[doc]! >= to) return false;
    return allowed === undefined || allowed.has(index.rowids[doc]!);
  };
}

/** Each phrase of the query (a word, or several in a row) with its cursor, IDF and bound. */
function queryTerms(index: TextIndex, phrases: readonly string[], source: TextSource): QueryTerm[] {
  const n = index.size;
  const score = scorer(index);
  const out: QueryTerm[] = [];
  for (const phrase of phrases) {
    const tokens = fts5Tokens(phrase);
    if (tokens.length === 0) continue;
    let cursor: Cursor;
    let df: number;
    let maxFactor = 0;
    if (tokens.length === 1) {
      const term = index.term(tokens[0]!);
      if (term === undefined) continue;
      df = index.documentFrequency(term);
      cursor = index.cursor(term);
      maxFactor = index.maxFactor(term);
    } else {
      const list = phrasePostings(index, tokens, source);
      df = list.docs.length;
      cursor = new ListCursor(list.docs, list.frequencies);
      list.docs.forEach(
        (doc, i) => (maxFactor = Math.max(maxFactor, score(list.frequencies[i]!, index.lengths[doc]!))),
      );
    }
    if (df === 0) continue;
    // FTS5's IDF, floored at 1e-6 for words in more than half the documents.
    let idf = Math.log((n - df + 0.5) / (df + 0.5));
    if (idf <= 0) idf = 1e-6;
    out.push({ cursor, idf, upperBound: idf * maxFactor });
  }
  return out;
}

/** The live documents holding the phrase's tokens in a row, within one column, and how often. */
function phrasePostings(
  index: TextIndex,
  tokens: readonly string[],
  source: TextSource,
): { docs: number[]; frequencies: number[] } {
  const key = tokens.join(' ');
  const cached = index.phraseCache.get(key);
  if (cached && cached.version === index.version) return cached;
  const result = { version: index.version, docs: [] as number[], frequencies: [] as number[] };
  const termIds = tokens.map((t) => index.term(t));
  if (termIds.every((t): t is number => t !== undefined)) {
    const cursors = termIds.map((t) => index.cursor(t));
    const candidates: number[] = [];
    for (let doc = 0; doc !== END;) {
      let agreed = true;
      for (const cursor of cursors) {
        cursor.seek(doc);
        if (cursor.doc !== doc) {
          doc = cursor.doc;
          agreed = false;
          break;
        }
      }
      if (!agreed) continue;
      if (index.isLive(doc)) candidates.push(doc);
      doc++;
    }
    const texts = source(candidates.map((d) => index.rowids[d]!));
    for (const doc of candidates) {
      const text = texts.get(index.rowids[doc]!);
      if (!text) continue;
      const frequency = 2 * occurrences(fts5Tokens(text.content), tokens) + occurrences(fts5Tokens(text.tags), tokens);
      if (frequency > 0) {
        result.docs.push(doc);
        result.frequencies.push(frequency);
      }
    }
  }
  if (index.phraseCache.size >= 64) index.phraseCache.clear();
  index.phraseCache.set(key, result);
  return result;
}

function occurrences(haystack: readonly string[], phrase: readonly string[]): number {
  let n = 0;
  outer: for (let i = 0; i + phrase.length <= haystack.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (haystack[i + j] !== phrase[j]) continue outer;
    n++;
  }
  return n;
}

class ListCursor implements Cursor {
  doc: number;
  frequency: number;
  #at = 0;
  constructor(
    readonly docs: readonly number[],
    readonly frequencies: readonly number[],
  ) {
    this.doc = docs[0] ?? END;
    this.frequency = frequencies[0] ?? 0;
  }
  next(): void {
    this.#at++;
    this.doc = this.docs[this.#at] ?? END;
    this.frequency = this.frequencies[this.#at] ?? 0;
  }
  seek(target: number): void {
    while (this.doc < target) this.next();
  }
  blockMaxFactor(): number {
    return -1;
  }
  skipBlock(): void {}
}

/** The k best (score, doc) pairs seen, in a min-heap; ties go to the lower doc. */
class HitHeap {
  readonly #k: number;
  readonly #scores: Float64Array;
  readonly #docs: Float64Array;
  #size = 0;
  constructor(k: number) {
    this.#k = k;
    this.#scores = new Float64Array(k);
    this.#docs = new Float64Array(k);
  }
  get full(): boolean {
    return this.#size === this.#k;
  }
  get minScore(): number {
    return this.#scores[0]!;
  }
  offer(score: number, doc: number): void {
    let i: number;
    if (this.#size < this.#k) {
      i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!below(score, doc, this.#scores[parent]!, this.#docs[parent]!)) break;
        this.#move(parent, i);
        i = parent;
      }
    } else {
      if (below(score, doc, this.#scores[0]!, this.#docs[0]!)) return;
      i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= this.#size) break;
        const right = child + 1;
        if (
          right < this.#size &&
          below(this.#scores[right]!, this.#docs[right]!, this.#scores[child]!, this.#docs[child]!)
        )
          child = right;
        if (!below(this.#scores[child]!, this.#docs[child]!, score, doc)) break;
        this.#move(child, i);
        i = child;
      }
    }
    this.#scores[i] = score;
    this.#docs[i] = doc;
  }
  sorted(): Array<{ doc: number; score: number }> {
    const hits: Array<{ doc: number; score: number }> = [];
    for (let i = 0; i < this.#size; i++) hits.push({ doc: this.#docs[i]!, score: this.#scores[i]! });
    return hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }
  #move(from: number, to: number): void {
    this.#scores[to] = this.#scores[from]!;
    this.#docs[to] = this.#docs[from]!;
  }
}

/** Whether (score, doc) ranks below (otherScore, otherDoc). */
function below(score: number, doc: number, otherScore: number, otherDoc: number): boolean {
  return score < otherScore || (score === otherScore && doc > otherDoc);
}
