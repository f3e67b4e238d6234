/**
 * Exact top-k BM25 over a TextIndex without scoring every match: MaxScore over the query's
 * lists in doc order (lists whose combined upper bound cannot reach the k-th score are only
 * probed for documents the others found), and when one list is left to drive, whole blocks
 * whose bound cannot reach it are skipped (block-max). A common word's list comes in layers
 * (postings.ts), each with a far lower bound than the one before: as soon as the k-th score
 * passes what the lower layers can add, only the top layers (a few percent of the postings)
 * drive, and the lower layers are looked up for the documents those find.
 *
 * Documents the reader may not see, or the filters reject, are passed over before they are
 * scored, so the k returned are the best the reader may see. Equal scores go to the newer
 * memory (the higher rowid).
 */
import { termFactor } from './bm25.js';
import { TopK } from './top-k-heap.js';
import { END } from './posting-cursor.js';
import type { TextIndex } from './text-index.js';
import {
  cursorOf,
  queryLists,
  queryTerms,
  visibility,
  windowStretches,
  type TextFilter,
  type TextHit,
  type TextSource,
} from './text-query.js';

export type { TextFilter, TextHit, TextSource } from './text-query.js';

/**
 * A sum of n doubles taken in another order may differ by a few units in the last place: a
 * bound of n terms must stay below the k-th score by this much × n to prune.
 */
const ROUNDING = 4 * Number.EPSILON;

/** The best k matches the filter lets through, best first. */
export function topK(
  index: TextIndex,
  phrases: readonly string[],
  k: number,
  filter: TextFilter,
  source: TextSource,
): TextHit[] {
  const terms = queryTerms(index, phrases, source);
  if (terms.length === 0 || k <= 0) return [];
  const lists = queryLists(index, terms, windowStretches(index, filter)).sort((a, b) => a.upperBound - b.upperBound);
  const visible = visibility(index, filter);
  const { lengths, keys } = index;
  const averageLength = index.averageLength;
  const m = lists.length;
  // prefix[i]: the most lists 0 … i-1 can add together. A word's layers are disjoint, so each
  // word adds at most its largest layer bound among them.
  const prefix = [0];
  const largest = new Float64Array(terms.length);
  for (const { group, upperBound } of lists) {
    const more = Math.max(0, upperBound - largest[group]!);
    largest[group] = Math.max(largest[group]!, upperBound);
    prefix.push(prefix[prefix.length - 1]! + more);
  }
  const heap = new TopK(k);
  let firstEssential = 0;
  // Whether a bound summed over n lists stays below the k-th score (a tie may still win: newer).
  const pruned = (bound: number, n: number) => heap.full && bound + n * ROUNDING * heap.minScore < heap.minScore;
  // The query terms a document was found in so far (a word's other layer cannot hold it).
  let found = 0;
  /** Adds the non-essential lists' factors to a document's score, unless it cannot make the top k. */
  const complete = (doc: number, essential: number): void => {
    const length = lengths[doc]!;
    let total = essential;
    for (let i = firstEssential - 1; i >= 0; i--) {
      if (pruned(total + prefix[i + 1]!, m)) return;
      const { cursor, idf, group } = lists[i]!;
      if (group < 31 && found & (1 << group)) continue;
      cursor.seek(doc);
      if (cursor.doc === doc) {
        total += idf * termFactor(cursor.frequency, length, averageLength);
        found |= 1 << group;
      }
    }
    heap.offer(total, keys[doc]!);
  };
  for (;;) {
    while (firstEssential < m && pruned(prefix[firstEssential + 1]!, firstEssential + 1)) firstEssential++;
    if (firstEssential === m) break;
    if (firstEssential === m - 1) {
      // One list drives: its postings are scored on their own first, and only those that could
      // still make the top k are checked for visibility and looked up in the other lists.
      const { cursor, idf, group } = lists[m - 1]!;
      const others = prefix[m - 1]!;
      while (cursor.doc !== END && !pruned(prefix[m]!, m)) {
        if (heap.full) {
          const factor = cursor.blockMaxFactor(averageLength);
          if (factor >= 0 && pruned(idf * factor + others, m)) {
            cursor.skipBlock();
            continue;
          }
        }
        const doc = cursor.doc;
        const score = idf * termFactor(cursor.frequency, lengths[doc]!, averageLength);
        cursor.next();
        if (pruned(score + others, m) || !visible(doc)) continue;
        found = group < 31 ? 1 << group : 0;
        complete(doc, score);
      }
      break;
    }
    let doc = END;
    for (let i = firstEssential; i < m; i++) doc = Math.min(doc, lists[i]!.cursor.doc);
    if (doc === END) break;
    if (!visible(doc)) {
      for (let i = firstEssential; i < m; i++) if (lists[i]!.cursor.doc === doc) lists[i]!.cursor.next();
      continue;
    }
    const length = lengths[doc]!;
    let total = 0;
    found = 0;
    for (let i = firstEssential; i < m; i++) {
      const { cursor, idf, group } = lists[i]!;
      if (cursor.doc === doc) {
        total += idf * termFactor(cursor.frequency, length, averageLength);
        if (group < 31) found |= 1 << group;
        cursor.next();
      }
    }
    complete(doc, total);
  }
  return heap.sorted().map(({ id, score }) => ({ rowid: index.base + id, score }));
}

/** Every match the filter lets through, scored, in no particular order (for other orders). */
export function allMatches(
  index: TextIndex,
  phrases: readonly string[],
  filter: TextFilter,
  source: TextSource,
): TextHit[] {
  const terms = queryTerms(index, phrases, source);
  const stretches = windowStretches(index, filter);
  const cursors = terms.map((term) => cursorOf(index, term, stretches));
  const visible = visibility(index, filter);
  const averageLength = index.averageLength;
  const hits: TextHit[] = [];
  for (;;) {
    let doc = END;
    for (const cursor of cursors) doc = Math.min(doc, cursor.doc);
    if (doc === END) return hits;
    const pass = visible(doc);
    let total = 0;
    for (const [i, cursor] of cursors.entries()) {
      if (cursor.doc !== doc) continue;
      if (pass) total += terms[i]!.idf * termFactor(cursor.frequency, index.lengths[doc]!, averageLength);
      cursor.next();
    }
    if (pass) hits.push({ rowid: index.rowid(doc), score: total });
  }
}
