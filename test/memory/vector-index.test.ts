import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { VectorIndex } from '../../src/memory/vector-index.js';

const unit = (values: number[]): Float32Array => {
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0)) || 1;
  return Float32Array.from(values, (v) => v / norm);
};
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** Sentences over a small vocabulary, so neighbours share words at many different degrees. */
function sentences(count: number, seed: number): string[] {
  let state = seed;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const words = Array.from({ length: 2000 }, (_, i) => `w${(i * 7919).toString(36)}`);
  return Array.from({ length: count }, () =>
    Array.from({ length: 6 + Math.floor(random() * 14) }, () => words[Math.floor(random() * words.length)]).join(' '),
  );
}

describe('VectorIndex', () => {
  it('puts the exact top 10 among its 100 best estimates (hashing embedder, 10,000 vectors)', () => {
    const embedder = new HashingEmbedder();
    const vectors = sentences(10_000, 7).map((s) => embedder.embedSync(s));
    const index = new VectorIndex(embedder.dimensions);
    vectors.forEach((v, i) => index.add(i + 1, 0, v));
    let found = 0;
    const queries = sentences(30, 99).map((s, i) =>
      embedder.embedSync(
        s
          .split(' ')
          .slice(0, 2 + (i % 8))
          .join(' '),
      ),
    );
    for (const query of queries) {
      const exact = vectors
        .map((v, i) => ({ rowid: i + 1, score: cosine(v, query) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const shortlist = new Set(index.search(query, 100).map((c) => c.rowid));
      found += exact.filter((e) => shortlist.has(e.rowid)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.99);
  });

  it('estimates cosine similarity times the query norm, exactly for the vector itself', () => {
    const dims = 64;
    const vectorArb = fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dims, maxLength: dims });
    fc.assert(
      fc.property(fc.array(vectorArb, { minLength: 1, maxLength: 40 }), (rows) => {
        const vectors = rows.map(unit).filter((v) => v.some((x) => x !== 0));
        const index = new VectorIndex(dims);
        vectors.forEach((v, i) =>
          index.add(
            i + 1,
            0,
            v.map((x) => x * 3),
          ),
        ); // a code is of a direction
        for (const [i, v] of vectors.entries()) {
          const all = index.search(v, vectors.length);
          expect(all.find((c) => c.rowid === i + 1)!.estimate).toBeCloseTo(1, 4);
          for (const c of all) expect(Math.abs(c.estimate - cosine(vectors[c.rowid - 1]!, v))).toBeLessThan(0.5);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('estimates a vector near one axis against another axis closely (a counterexample fast-check found)', () => {
    const axis = (d: number, sign = 1) => unit(Array.from({ length: 64 }, (_, i) => (i === d ? sign : 0)));
    const nearAxis = unit(Array.from({ length: 64 }, (_, i) => (i === 60 ? 0.99 : i === 63 ? 0.02 : 0)));
    const index = new VectorIndex(64);
    index.add(1, 0, nearAxis);
    index.add(2, 0, axis(63));
    const estimate = index.search(axis(63, -1), 2).find((c) => c.rowid === 1)!.estimate;
    expect(Math.abs(estimate - cosine(nearAxis, axis(63, -1)))).toBeLessThan(0.25);
  });

  it('applies a created-time window inside its top k: [from, to)', () => {
    const index = new VectorIndex(4);
    for (let i = 1; i <= 1000; i++) index.add(i, i * 10, unit([1, i % 7, i % 3, 0]));
    const query = unit([1, 2, 1, 0]);
    const inWindow = index.search(query, 5, { from: 2000, to: 3000 });
    expect(inWindow).toHaveLength(5);
    for (const c of inWindow) expect(c.rowid * 10).toBeGreaterThanOrEqual(2000);
    for (const c of inWindow) expect(c.rowid * 10).toBeLessThan(3000);
    // The same as searching an index of only the window's vectors.
    const only = new VectorIndex(4);
    for (let i = 200; i < 300; i++) only.add(i, i * 10, unit([1, i % 7, i % 3, 0]));
    expect(inWindow.map((c) => c.estimate)).toEqual(only.search(query, 5).map((c) => c.estimate));
    expect(index.search(query, 500, { from: 9_990 })).toHaveLength(2);
    expect(index.search(query, 500, { to: 10 })).toHaveLength(0);
  });

  it('reads back what it stored as a block, forgets removed vectors and keeps only live ones of a block', () => {
    const index = new VectorIndex(8);
    const vector = (i: number) => unit([1, i % 5, i % 3, i % 7, 0, 1, i % 2, 0]);
    for (let i = 1; i <= 5000; i++) index.add(i, i, vector(i));
    expect(index.remove(42)).toBe(true);
    expect(index.remove(42)).toBe(false);
    const block = VectorIndex.toBlock(index);
    expect(block.count).toBe(4999);

    const loaded = new VectorIndex(8);
    const rowids = loaded.addBlock(block.data, block.count);
    const query = vector(7);
    expect(loaded.search(query, 50)).toEqual(index.search(query, 50).map((c) => ({ ...c, slot: expect.any(Number) })));
    const retained = loaded.retain(rowids, new Set([7, 8, 9]));
    expect(loaded.size).toBe(3);
    expect(loaded.search(query, 50).map((c) => c.rowid)).toEqual(expect.arrayContaining([7, 8, 9]));
    expect(() => loaded.retain(rowids, new Set())).toThrow(RangeError); // rewritten without the removed
    const reread = new VectorIndex(8);
    reread.addBlock(retained.data, retained.count);
    expect(
      reread
        .search(query, 50)
        .map((c) => c.rowid)
        .sort(),
    ).toEqual([7, 8, 9]);

    loaded.add(6000, 6000, vector(6000)); // appended after a stored block
    expect(loaded.size).toBe(4);
  });

  it('adopts a staged index, and gives memory back after many removals', () => {
    const index = new VectorIndex(4);
    const staged = new VectorIndex(4);
    for (let i = 1; i <= 3000; i++) index.add(i, 0, unit([1, i % 5, i % 3, 0]));
    staged.add(3001, 0, unit([0, 0, 0, 1]));
    index.adopt(staged);
    expect(staged.size).toBe(0);
    expect(index.size).toBe(3001);
    const gone = index.search(unit([1, 0, 0, 0]), 2500).filter((c) => c.rowid !== 3001);
    index.removeSlots(gone.map((c) => c.slot));
    expect(index.size).toBe(501);
    expect(index.search(unit([0, 0, 0, 1]), 1)[0]!.rowid).toBe(3001);
    expect(index.search(unit([1, 0, 0, 0]), 600)).toHaveLength(501);
  });

  it('returns nothing for a zero query and refuses a wrong size', () => {
    const index = new VectorIndex(3);
    index.add(1, 0, unit([1, 0, 0]));
    expect(index.search(new Float32Array(3), 5)).toEqual([]);
    expect(() => index.search(new Float32Array(4), 1)).toThrow(RangeError);
    expect(() => index.add(2, 0, new Float32Array(2))).toThrow(RangeError);
    expect(() => index.addBlock(new Uint8Array(10), 1)).toThrow(RangeError);
  });
});
