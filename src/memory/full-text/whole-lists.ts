/**
 * @module memory/full-text/whole-lists
 * Exact BM25 scores from whole posting lists held in memory: every posting added into one
 * array by document number. When a threshold ranking (impact-ranking.ts) would read most of
 * every list anyway, this is about ten times cheaper a posting than its bookkeeping.
 */
import type { DocNumbers } from './doc-numbers.js';
import { TopK } from './top-k-heap.js';

/** A term's whole posting list: document numbers and impacts (`count` of them). */
export interface WholeList {
  docs: Int32Array;
  impacts: Float64Array;
  count: number;
}

/**
 * The `n` best documents scoring above 0, best first, ties to the higher id: scores summed in
 * word order (as ImpactRanking sums them). `known`: documents (by number) whose impacts per
 * word come from elsewhere, 0 for a word they lack; their entries in the lists are stale.
 */
export function bestOfWholeLists(
  lists: readonly WholeList[],
  weights: readonly number[],
  docs: DocNumbers,
  known: ReadonlyMap<number, ArrayLike<number>>,
  n: number,
): Array<{ id: number; score: number }> {
  const scores = new Float64Array(docs.size);
  for (const [t, list] of lists.entries()) {
    const weight = weights[t]!;
    const { docs: numbers, impacts } = list;
    for (let i = 0; i < list.count; i++) {
      const doc = numbers[i]!;
      scores[doc] = scores[doc]! + weight * impacts[i]!;
    }
  }
  for (const [doc, impacts] of known) {
    let score = 0;
    for (let t = 0; t < weights.length; t++) score += weights[t]! * impacts[t]!;
    scores[doc] = score;
  }
  const best = new TopK(n);
  for (let doc = 0; doc < scores.length; doc++) {
    const score = scores[doc]!;
    // Most scores are below the n-th best so far: skip them without looking up their id.
    if (score > 0 && !(best.full && score < best.minScore)) best.offer(score, docs.id(doc));
  }
  return best.sorted();
}
