/**
 * Summing whole posting lists in memory (full-text/whole-lists.ts) against a plain scan: random
 * lists with many tied scores, documents numbered out of id order, and documents whose list
 * entries are stale (known from elsewhere, some now holding none of the words).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocNumbers } from '../../src/memory/full-text/doc-numbers.js';
import { bestOfWholeLists } from '../../src/memory/full-text/whole-lists.js';

const corpus = fc.record({
  weights: fc.array(fc.constantFrom(0.5, 1, 1.5, 2), { minLength: 1, maxLength: 5 }),
  impacts: fc.array(fc.array(fc.constantFrom(0, 0, 0.25, 0.5, 1), { minLength: 5, maxLength: 5 }), {
    maxLength: 300,
  }),
  changed: fc.array(fc.tuple(fc.nat(299), fc.array(fc.constantFrom(0, 0.5, 1), { minLength: 5, maxLength: 5 }))),
  k: fc.integer({ min: 1, max: 20 }),
});

describe('bestOfWholeLists', () => {
  it('finds the same best as scoring every document in word order, ties to the higher id', () => {
    fc.assert(
      fc.property(corpus, ({ weights, impacts, changed, k }) => {
        const docs = new DocNumbers();
        // Document d has id 7d and is numbered when first read, from the last list backwards.
        const lists = weights
          .map((_, t) => {
            const entries = impacts.flatMap((row, d) => (row[t]! > 0 ? [{ id: 7 * d, impact: row[t]! }] : []));
            return { t, entries: entries.sort((a, b) => b.impact - a.impact || b.id - a.id) };
          })
          .reverse()
          .map(({ t, entries }) => ({
            t,
            docs: Int32Array.from(entries, (e) => docs.number(e.id)),
            impacts: Float64Array.from(entries, (e) => e.impact),
            count: entries.length,
          }))
          .sort((a, b) => a.t - b.t);
        const current = new Map(impacts.map((row, d) => [7 * d, row]));
        const known = new Map<number, number[]>();
        for (const [d, row] of changed) {
          current.set(7 * d, row);
          known.set(docs.number(7 * d), row);
        }
        const expected = [...current]
          .map(([id, row]) => ({ id, score: weights.reduce((score, w, t) => score + w * row[t]!, 0) }))
          .filter((hit) => hit.score > 0)
          .sort((a, b) => b.score - a.score || b.id - a.id)
          .slice(0, k);
        expect(bestOfWholeLists(lists, weights, docs, known, k)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
