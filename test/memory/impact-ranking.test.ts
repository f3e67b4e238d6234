/**
 * The threshold algorithm's bookkeeping (full-text/impact-ranking.ts) against a plain scan:
 * random lists with many tied impacts, hidden documents and documents whose list entries are
 * stale (known from elsewhere), driven the way the PostgreSQL search drives it. Documents are
 * numbered in the order their postings are read, not in the order of their ids.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocNumbers } from '../../src/memory/full-text/doc-numbers.js';
import { IdTable } from '../../src/memory/full-text/id-table.js';
import { ImpactRanking } from '../../src/memory/full-text/impact-ranking.js';
import { TopK } from '../../src/memory/full-text/top-k-heap.js';

interface Corpus {
  weights: number[];
  /** Per document and term: the impact (0: absent). */
  impacts: number[][];
  hidden: boolean[];
  /** Documents known from elsewhere, whose list entries carry a stale impact. */
  changed: Map<number, number[]>;
}

const corpus = fc
  .record({
    terms: fc.integer({ min: 1, max: 4 }),
    docs: fc.integer({ min: 1, max: 400 }),
    seed: fc.integer(),
    density: fc.double({ min: 0.05, max: 0.9, noNaN: true }),
    hiddenShare: fc.double({ min: 0, max: 0.9, noNaN: true }),
    changedShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
  })
  .map(({ terms, docs, seed, density, hiddenShare, changedShare }): Corpus => {
    let state = seed >>> 0;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    // Few distinct impacts, so many documents tie.
    const impact = () => (next() < density ? 0.25 * (1 + Math.floor(next() * 6)) : 0);
    const impacts = Array.from({ length: docs }, () => Array.from({ length: terms }, impact));
    const changed = new Map<number, number[]>();
    for (let doc = 0; doc < docs; doc++) {
      if (next() < changedShare) changed.set(doc * 3, Array.from({ length: terms }, impact));
    }
    return {
      weights: Array.from({ length: terms }, () => 0.5 + Math.floor(next() * 4) / 2),
      impacts,
      hidden: Array.from({ length: docs }, () => next() < hiddenShare),
      changed,
    };
  });

/** Document d has id 3d: ids need not be dense. */
function truth(c: Corpus, k: number): Array<{ id: number; score: number }> {
  const all: Array<{ id: number; score: number }> = [];
  c.impacts.forEach((impacts, doc) => {
    if (c.hidden[doc]) return;
    const current = c.changed.get(doc * 3) ?? impacts;
    let score = 0;
    current.forEach((impact, t) => (score += c.weights[t]! * impact));
    if (score > 0) all.push({ id: doc * 3, score });
  });
  return all.sort((a, b) => b.score - a.score || b.id - a.id).slice(0, k);
}

/** Runs the ranking to the end, reading lists (with stale entries for changed documents) in doubling depths. */
function rank(
  c: Corpus,
  k: number,
  checkAtMost: number,
  readOnAbove = checkAtMost,
  expectVisible = 1,
): Array<{ id: number; score: number }> {
  const m = c.weights.length;
  const docs = new DocNumbers();
  const ranking = new ImpactRanking(c.weights, k, docs);
  for (const [id, impacts] of c.changed) ranking.know(docs.number(id), impacts);
  const lists = c.weights.map((_, t) => {
    const entries = c.impacts.flatMap((impacts, doc) =>
      impacts[t]! > 0 ? [{ id: doc * 3, impact: impacts[t]! }] : [],
    );
    entries.sort((a, b) => b.impact - a.impact || b.id - a.id);
    return {
      ids: entries.map((e) => e.id),
      numbers: Int32Array.from(entries, (e) => docs.number(e.id)),
      impacts: Float64Array.from(entries, (e) => e.impact),
    };
  });
  let depth = 2;
  const fed = lists.map(() => 0);
  for (let round = 0; round < 10_000; round++) {
    lists.forEach((list, t) => {
      const to = Math.min(depth, list.ids.length);
      ranking.read(t, list.numbers, list.impacts, fed[t]!, to);
      if (to === list.ids.length) ranking.end(t);
      else ranking.bound(t, list.impacts[to]!);
      fed[t] = to;
    });
    const step = ranking.next(checkAtMost, readOnAbove, expectVisible < 1, expectVisible);
    if (step.kind === 'settled') return step.hits;
    if (step.kind === 'deepen') {
      expect(fed.some((n, t) => n < lists[t]!.ids.length)).toBe(true);
      depth *= 2;
      continue;
    }
    expect(step.docs.length).toBeGreaterThan(0);
    for (const number of step.docs) {
      const id = docs.id(number);
      const doc = id / 3;
      const current = c.changed.get(id) ?? c.impacts[doc]!;
      // Lookups return the words a document holds; the others stay NaN.
      ranking.record(
        number,
        c.hidden[doc] ? null : Array.from({ length: m }, (_, t) => (current[t]! > 0 ? current[t]! : NaN)),
      );
    }
  }
  throw new Error('the ranking did not settle');
}

/** Reads postings (best first); the last read bounds what is not read yet. */
function read(ranking: ImpactRanking, docs: DocNumbers, term: number, ids: number[], impacts: number[]) {
  const numbers = Int32Array.from(ids, (id) => docs.number(id));
  ranking.read(term, numbers, Float64Array.from(impacts), 0, ids.length);
  ranking.bound(term, impacts[impacts.length - 1]!);
}

describe('ImpactRanking', () => {
  it('finds the same top k as scoring every document, ties to the higher id', () => {
    fc.assert(
      fc.property(
        corpus,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 200 }),
        fc.constantFrom(1, 0.5, 0.1),
        (c, k, checkAtMost, more, expectVisible) => {
          expect(rank(c, k, checkAtMost, checkAtMost + more, expectVisible)).toEqual(truth(c, k));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads on while a memory not yet read could tie the k-th and is newer', () => {
    // A (id 0) scores 2 exactly; B (id 30), unread in both lists, scores 2 too and wins the tie.
    const docs = new DocNumbers();
    const ranking = new ImpactRanking([1, 1], 1, docs);
    read(ranking, docs, 0, [0, 60], [1.5, 1]);
    read(ranking, docs, 1, [66], [1]);
    ranking.record(docs.find(0), [1.5, 0.5]);
    ranking.record(docs.find(60), [1, NaN]);
    ranking.record(docs.find(66), [NaN, 1]);
    expect(ranking.next(10)).toEqual({ kind: 'deepen' });
    read(ranking, docs, 0, [30], [1]);
    ranking.end(0);
    read(ranking, docs, 1, [30, 0], [1, 0.5]);
    ranking.end(1);
    expect(ranking.next(10)).toEqual({ kind: 'check', docs: [docs.find(30)] });
    ranking.record(docs.find(30), [1, 1]);
    expect(ranking.next(10)).toEqual({ kind: 'settled', hits: [{ id: 30, score: 2 }] });
  });

  it('settles with fewer than k when fewer match', () => {
    const c: Corpus = {
      weights: [1, 2],
      impacts: [
        [0.5, 0],
        [0, 0],
        [1, 1],
      ],
      hidden: [false, false, true],
      changed: new Map(),
    };
    expect(rank(c, 10, 5)).toEqual([{ id: 0, score: 0.5 }]);
  });
});

describe('TopK', () => {
  it('keeps the k best, ties to the higher id, best first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat(1000))),
        fc.integer({ min: 1, max: 8 }),
        (pairs, k) => {
          const top = new TopK(k);
          const unique = [...new Map(pairs.map(([score, id]) => [id, score])).entries()];
          for (const [id, score] of unique) top.offer(score, id);
          const expected = unique
            .map(([id, score]) => ({ id, score }))
            .sort((a, b) => b.score - a.score || b.id - a.id)
            .slice(0, k);
          expect(top.sorted()).toEqual(expected);
        },
      ),
    );
  });
});

describe('IdTable', () => {
  it('maps keys up to 2^53 like a Map, through additions and deletions', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('set', 'delete', 'getOrAdd'),
            fc.oneof(fc.nat(64), fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 7 * 2 ** 32 + 5)),
            fc.nat(1000),
          ),
        ),
        (operations) => {
          const table = new IdTable(2);
          const model = new Map<number, number>();
          for (const [operation, key, value] of operations) {
            if (operation === 'set') {
              table.set(key, value);
              model.set(key, value);
            } else if (operation === 'delete') {
              expect(table.delete(key)).toBe(model.delete(key));
            } else {
              expect(table.getOrAdd(key, value)).toBe(model.get(key) ?? value);
              if (!model.has(key)) model.set(key, value);
            }
            expect(table.size).toBe(model.size);
          }
          for (let key = 0; key <= 64; key++) expect(table.get(key)).toBe(model.get(key) ?? -1);
          const seen = new Map<number, number>();
          table.forEach((key, value) => seen.set(key, value));
          expect(seen).toEqual(model);
        },
      ),
    );
  });
});
