/**
 * What a full-text query over a TextIndex is made of: the reader's filter (applied to each
 * document before it is scored), and each phrase of the query (a word, or several in a row)
 * with its IDF, its bound and a way to walk its postings in doc order.
 */
import { termFactor } from './bm25.js';
import { END, StretchedCursor, type Cursor } from './posting-cursor.js';
import { fts5Tokens } from './fts5-tokens.js';
import { ACCESS_CODES, type TextIndex } from './text-index.js';

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

export type { Cursor } from './posting-cursor.js';

export interface QueryTerm {
  /** A single word's term id, or -1 for a phrase of several. */
  term: number;
  /** A phrase's live documents and frequency codes, in doc order (null for a single word). */
  phrase: { docs: number[]; frequencies: number[] } | null;
  idf: number;
}

/** A list of postings a query walks: a phrase's, a word's, or a layer of a word's (postings.ts). */
export interface QueryList {
  /** The query term it belongs to (the layers of a word are disjoint). */
  group: number;
  cursor: Cursor;
  idf: number;
  /** The most the list can add to a score (IDF × its largest factor). */
  upperBound: number;
}

/** Whether the filter lets a document through (live, readable by the agent, kept by the query). */
export function visibility(index: TextIndex, filter: TextFilter): (doc: number) => boolean {
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
    return allowed === undefined || allowed.has(index.rowid(doc));
  };
}

/** Each phrase of the query (a word, or several in a row) that occurs, with its IDF. */
export function queryTerms(index: TextIndex, phrases: readonly string[], source: TextSource): QueryTerm[] {
  const n = index.size;
  const out: QueryTerm[] = [];
  for (const phrase of phrases) {
    const tokens = fts5Tokens(phrase);
    if (tokens.length === 0) continue;
    let df: number;
    let term = -1;
    let list: QueryTerm['phrase'] = null;
    if (tokens.length === 1) {
      term = index.term(tokens[0]!) ?? -1;
      if (term < 0) continue;
      df = index.documentFrequency(term);
    } else {
      list = phrasePostings(index, tokens, source);
      df = list.docs.length;
    }
    if (df === 0) continue;
    // FTS5's IDF, floored at 1e-6 for words in more than half the documents.
    let idf = Math.log((n - df + 0.5) / (df + 0.5));
    if (idf <= 0) idf = 1e-6;
    out.push({ term, phrase: list, idf });
  }
  return out;
}

/**
 * A query term's postings in doc order; with `stretches` (the filter's created-time window,
 * created-zones.ts), only those in the stretches of doc order the window can be found in.
 */
export function cursorOf(index: TextIndex, term: QueryTerm, stretches: Uint32Array | null = null): Cursor {
  const cursor = term.phrase ? new ListCursor(term.phrase.docs, term.phrase.frequencies) : index.cursor(term.term);
  return inStretches(cursor, stretches);
}

/** The lists a query's terms walk: a word in layers when it has them, each with its bound. */
export function queryLists(
  index: TextIndex,
  terms: readonly QueryTerm[],
  stretches: Uint32Array | null = null,
): QueryList[] {
  const averageLength = index.averageLength;
  return terms.flatMap(({ term, phrase, idf }, group): QueryList[] => {
    if (phrase === null) {
      const bounds = index.layerBounds(term);
      return index
        .layers(term)
        .map((cursor, i) => ({ group, cursor: inStretches(cursor, stretches), idf, upperBound: idf * bounds[i]! }));
    }
    let max = 0;
    phrase.docs.forEach(
      (doc, i) => (max = Math.max(max, termFactor(phrase.frequencies[i]!, index.lengths[doc]!, averageLength))),
    );
    const cursor = inStretches(new ListCursor(phrase.docs, phrase.frequencies), stretches);
    return [{ group, cursor, idf, upperBound: idf * max }];
  });
}

/** The stretches of doc order the filter's created-time window can be found in, or null (all). */
export function windowStretches(index: TextIndex, filter: TextFilter): Uint32Array | null {
  return index.createdStretches(filter.from, filter.to);
}

function inStretches(cursor: Cursor, stretches: Uint32Array | null): Cursor {
  return stretches === null ? cursor : new StretchedCursor(cursor, stretches);
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
    const texts = source(candidates.map((d) => index.rowid(d)));
    for (const doc of candidates) {
      const text = texts.get(index.rowid(doc));
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
