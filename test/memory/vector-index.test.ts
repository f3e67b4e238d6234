import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantize, VectorIndex } from '../../src/memory/vector-index.js';

const unit = (values: number[]): Float32Array => {
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0)) || 1;
  return Float32Array.from(values, (v) => v / norm);
};
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('VectorIndex', () => {
  it('finds the same neighbours as an exact float scan, with scores within quantisation error', () => {
    const dims = 32;
    const vectorArb = fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dims, maxLength: dims });
    fc.assert(
      fc.property(
        fc.array(vectorArb, { minLength: 1, maxLength: 60 }),
        vectorArb,
        fc.integer({ min: 1, max: 10 }),
        (rows, q, k) => {
          const vectors = rows.map(unit);
          const query = unit(q);
          const index = new VectorIndex(dims);
          vectors.forEach((v, i) => index.add(i + 1, quantize(v)));
          const found = index.search(query, k);
          const exact = vectors
            .map((v, i) => ({ rowid: i + 1, score: cosine(v, query) }))
            .sort((a, b) => b.score - a.score);
          const searchable = vectors.filter((v) => v.some((x) => x !== 0)).length;
          expect(found).toHaveLength(query.some((x) => x !== 0) ? Math.min(k, searchable) : 0);
          for (const hit of found) {
            const truth = exact.find((e) => e.rowid === hit.rowid)!;
            expect(Math.abs(hit.score - truth.score)).toBeLessThan(0.03);
          }
          // Nothing left out scores clearly better than the worst neighbour returned.
          const worst = found[found.length - 1]?.score ?? Infinity;
          const ids = new Set(found.map((f) => f.rowid));
          for (const e of exact)
            if (!ids.has(e.rowid) && vectors[e.rowid - 1]!.some((x) => x !== 0))
              expect(e.score).toBeLessThan(worst + 0.06);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('spans several blocks and forgets removed vectors', () => {
    const index = new VectorIndex(4);
    for (let i = 1; i <= 10_000; i++) index.add(i, quantize(unit([1, i % 7, 0, 0])));
    index.add(10_001, quantize(unit([0, 0, 1, 0])));
    expect(index.size).toBe(10_001);
    expect(index.search(unit([0, 0, 1, 0]), 1)).toEqual([{ rowid: 10_001, score: expect.closeTo(1, 2) }]);
    expect(index.remove(10_001)).toBe(true);
    expect(index.remove(10_001)).toBe(false);
    expect(index.search(unit([0, 0, 1, 0]), 1)[0]!.rowid).not.toBe(10_001);
    expect(index.size).toBe(10_000);
  });

  it('keeps every vector searchable whether a load announced fewer or more than came', () => {
    for (const [announced, added] of [
      [10_000, 9_000],
      [3, 5_000],
      [5_000, 5_000],
    ] as const) {
      const index = new VectorIndex(4);
      index.reserve(announced);
      for (let i = 1; i <= added; i++) index.add(i, quantize(unit([1, (i % 13) + 1, i % 5, 0])));
      expect(index.size).toBe(added);
      // Each vector is its own nearest neighbour: none was lost or written over.
      for (const i of [1, 64, 4096, 4097, added]) {
        expect(index.search(unit([1, (i % 13) + 1, i % 5, 0]), 1)[0]!.score).toBeCloseTo(1, 2);
      }
      const top = index.search(unit([0, 0, 0, 1]), added);
      expect(new Set(top.map((n) => n.rowid)).size).toBe(added);
    }
  });

  it('gives memory back after many removals, keeping the rest searchable', () => {
    const index = new VectorIndex(4);
    for (let i = 1; i <= 3000; i++) index.add(i, quantize(unit([1, i % 5, i % 3, 0])));
    index.add(3001, quantize(unit([0, 0, 0, 1])));
    for (let i = 1; i <= 2500; i++) expect(index.remove(i)).toBe(true);
    expect(index.size).toBe(501);
    expect(index.search(unit([0, 0, 0, 1]), 1)[0]!.rowid).toBe(3001);
    const found = index.search(unit([1, 0, 0, 0]), 600).map((n) => n.rowid);
    expect(found).toHaveLength(501);
    expect(Math.min(...found)).toBe(2501);
    expect(index.remove(3001)).toBe(true);
    expect(index.remove(1)).toBe(false);
  });

  it('returns nothing for a zero query and refuses a wrong size', () => {
    const index = new VectorIndex(3);
    index.add(1, quantize(unit([1, 0, 0])));
    expect(index.search(new Float32Array(3), 5)).toEqual([]);
    expect(() => index.search(new Float32Array(4), 1)).toThrow(RangeError);
    expect(() => index.add(2, quantize(new Float32Array(2)))).toThrow(RangeError);
  });
});
