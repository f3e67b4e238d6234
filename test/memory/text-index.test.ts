/**
 * The in-process index alone (no SQLite) against BM25 computed here from the documents' own
 * tokens: lists long enough to be kept in layers, documents removed, re-worded and added
 * since the last seal, and filters; equal scores newest first.
 */
import { describe, expect, it } from 'vitest';
import { fts5Tokens } from '../../src/memory/full-text/fts5-tokens.js';
import { LAYERED_MIN } from '../../src/memory/full-text/postings.js';
import { TextIndex, type IndexedDocument } from '../../src/memory/full-text/text-index.js';
import { allMatches, topK, type TextFilter } from '../../src/memory/full-text/text-top-k.js';

const BASE = 7 * 2 ** 32;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
const noTexts = () => new Map();

function random(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Common words in a third to two thirds of the documents, filler, a rare word now and then. */
function document(i: number, next: () => number, variant = ''): IndexedDocument {
  const words = Array.from({ length: 3 + Math.floor(next() * 14) }, () =>
    next() < 0.35 ? WORDS[Math.floor(next() * next() * WORDS.length)]! : `filler${Math.floor(next() * 500)}`,
  );
  if (i % 211 === 0) words.push('zulu');
  return {
    rowid: BASE + i,
    content: `${words.join(' ')} ${variant}n${i}`,
    tags: next() < 0.3 ? JSON.stringify([WORDS[i % WORDS.length]]) : '[]',
    agentId: i % 4 === 0 ? 'other' : 'me',
    accessLevel: i % 8 === 0 ? 'private' : 'team',
    importance: Math.round(next() * 100) / 100,
    createdAt: 1_000_000 + i * 1000,
  };
}

/** FTS5's BM25 over the live documents, best first, ties newest first. */
type Tokenized = Array<{ d: IndexedDocument; content: string[]; tags: string[] }>;

const tokenized = (docs: Map<number, IndexedDocument>): Tokenized =>
  [...docs.values()].map((d) => ({ d, content: fts5Tokens(d.content), tags: fts5Tokens(d.tags) }));

function exhaustive(tokens: Tokenized, words: string[], filter: TextFilter) {
  const average = tokens.reduce((n, t) => n + t.content.length + t.tags.length, 0) / tokens.length;
  const terms = words.map((w) => fts5Tokens(w)[0]!);
  const tf = (t: (typeof tokens)[number], term: string) =>
    t.content.filter((x) => x === term).length + 0.5 * t.tags.filter((x) => x === term).length;
  const idf = terms.map((term) => {
    const df = tokens.filter((t) => tf(t, term) > 0).length;
    const value = Math.log((tokens.length - df + 0.5) / (df + 0.5));
    return value <= 0 ? 1e-6 : value;
  });
  return tokens
    .filter(({ d }) => {
      if (filter.agentId !== null && d.agentId !== filter.agentId && d.accessLevel === 'private') return false;
      if (filter.ownOnly && d.agentId !== filter.agentId) return false;
      if (filter.minImportance !== undefined && d.importance < filter.minImportance) return false;
      if (filter.from !== undefined && d.createdAt < filter.from) return false;
      return filter.to === undefined || d.createdAt < filter.to;
    })
    .map((t) => {
      const length = t.content.length + t.tags.length;
      let score = 0;
      terms.forEach((term, i) => {
        const f = tf(t, term);
        if (f > 0) score += idf[i]! * ((f * 2.2) / (f + 1.2 * (0.25 + (0.75 * length) / average)));
      });
      return { rowid: t.d.rowid, score };
    })
    .filter((h) => h.score > 0)
    .sort((a, b) => b.score - a.score || b.rowid - a.rowid);
}

const QUERIES = [['alpha'], ['alpha', 'bravo'], ['bravo', 'charlie', 'delta'], ['alpha', 'zulu'], ['echo', 'delta']];
const FILTERS: TextFilter[] = [
  { agentId: 'me' },
  { agentId: null },
  { agentId: 'me', ownOnly: true, minImportance: 0.5 },
  { agentId: 'me', from: 1_000_000 + 1500 * 1000, to: 1_000_000 + 2600 * 1000 },
  // The newest 2 %, the oldest, and a window nothing was created in.
  { agentId: 'me', from: 1_000_000 + 6470 * 1000 },
  { agentId: null, to: 1_000_000 + 300 * 1000 },
  { agentId: 'me', from: 0, to: 1000 },
];

function expectExact(index: TextIndex, docs: Map<number, IndexedDocument>) {
  const tokens = tokenized(docs);
  for (const words of QUERIES) {
    for (const filter of FILTERS) {
      const expected = exhaustive(tokens, words, filter);
      const found = topK(index, words, 10, filter, noTexts);
      const label = `${words.join(' ')} ${JSON.stringify(filter)}`;
      expect(found.length, label).toBe(Math.min(10, expected.length));
      found.forEach((hit, i) => {
        expect(hit.score, `${label} #${i}`).toBeCloseTo(expected[i]!.score, 10);
        // Where the score is not tied (to rounding), the same memory.
        const tied = expected.filter((e) => Math.abs(e.score - expected[i]!.score) < 1e-9).length > 1;
        if (!tied) expect(hit.rowid, `${label} #${i}`).toBe(expected[i]!.rowid);
      });
      expect(allMatches(index, words, filter, noTexts).length, label).toBe(expected.length);
    }
  }
}

describe('TextIndex', () => {
  it('ranks exactly with layered lists, after removals, re-wordings and additions, and after sealing again', () => {
    const next = random(11);
    const index = new TextIndex(BASE);
    const docs = new Map<number, IndexedDocument>();
    for (let i = 0; i < 6000; i++) {
      const d = document(i, next);
      docs.set(d.rowid, d);
      index.add(d);
    }
    index.seal();
    expect(index.sealed.blocksOf(index.term('alpha')!).length).toBeGreaterThan(1);
    expect(index.documentFrequency(index.term('alpha')!)).toBeGreaterThan(LAYERED_MIN);
    expectExact(index, docs);

    // Since the seal: removed, re-worded (the same rowid added again) and new documents.
    for (let i = 0; i < 6000; i += 7) {
      index.remove(BASE + i);
      docs.delete(BASE + i);
    }
    for (let i = 3; i < 6000; i += 11) {
      const d = document(i, next, 'again ');
      docs.set(d.rowid, d);
      index.add(d);
    }
    for (let i = 6000; i < 6600; i++) {
      const d = document(i, next);
      docs.set(d.rowid, d);
      index.add(d);
    }
    expect(index.size).toBe(docs.size);
    expectExact(index, docs);
    index.seal();
    expectExact(index, docs);
  });

  it('builds without sealing on the way, then ranks exactly after its one seal, as one added a document at a time', () => {
    const next = random(5);
    const built = new TextIndex(BASE);
    const added = new TextIndex(BASE);
    const docs = new Map<number, IndexedDocument>();
    built.beginBuild(12_000);
    for (let i = 0; i < 12_000; i++) {
      const d = document(i, next);
      docs.set(d.rowid, d);
      built.add(d);
      added.add(d);
    }
    expect(added.sealed.postings).toBeGreaterThan(0); // past RESEAL_MIN: add() sealed on the way
    expect(built.sealed.postings).toBe(0);
    built.seal();
    added.seal();
    expect(built.sealed.postings).toBe(added.sealed.postings);
    expect(built.sealed.bytes).toEqual(added.sealed.bytes);
    expectExact(built, docs);

    // After the build, documents come and go as in any index.
    for (let i = 0; i < 12_000; i += 5) {
      built.remove(BASE + i);
      docs.delete(BASE + i);
    }
    for (let i = 12_000; i < 12_500; i++) {
      const d = document(i, next);
      docs.set(d.rowid, d);
      built.add(d);
    }
    expectExact(built, docs);
    expect(() => built.beginBuild(10)).toThrow(/empty index/);
  });

  it('leaves out of a build the documents added again during it (the later wording counts)', () => {
    const next = random(9);
    const index = new TextIndex(BASE);
    const docs = new Map<number, IndexedDocument>();
    index.beginBuild(3000);
    for (let i = 0; i < 3000; i++) {
      const d = i % 10 === 9 ? document(i - 9, next, 'again ') : document(i, next);
      docs.set(d.rowid, d);
      index.add(d);
    }
    index.seal();
    expect(index.size).toBe(docs.size);
    expectExact(index, docs);
  });

  it('walks only the stretches of doc order a created-time window can be in', () => {
    const next = random(5);
    const index = new TextIndex(BASE);
    for (let i = 0; i < 5000; i++) index.add(document(i, next));
    index.seal();
    const at = (i: number) => 1_000_000 + i * 1000;
    const covered = (s: Uint32Array | null) => s && s.reduce((n, v, i) => (i % 2 ? n + v - s[i - 1]! : n), 0);
    // The newest 100 in time order: within the last two zones of 128.
    expect(covered(index.createdStretches(at(4900)))).toBeLessThanOrEqual(256);
    expect(index.createdStretches(at(4900))![0]).toBeGreaterThanOrEqual(4900 - 128);
    // Open, or most of the index: searched plainly.
    expect(index.createdStretches()).toBeNull();
    expect(index.createdStretches(at(1000))).toBeNull();
    // A memory re-indexed with an old time widens the last zone to it, never loses it.
    const old = document(42, next, 'again ');
    index.add(old);
    const stretches = index.createdStretches(at(42), at(43))!;
    const doc = index.docOf(old.rowid);
    expect([...stretches].some((v, i) => i % 2 === 0 && v <= doc && doc < stretches[i + 1]!)).toBe(true);
    expect(topK(index, ['again'], 10, { agentId: null, from: at(42), to: at(43) }, noTexts)).toEqual([
      expect.objectContaining({ rowid: old.rowid }),
    ]);
  });

  it('ranks equal scores newest first, whatever order the memories were indexed in', () => {
    const index = new TextIndex(BASE);
    const same = (rowid: number): IndexedDocument => ({
      rowid,
      content: 'kilo lima',
      tags: '[]',
      agentId: 'me',
      accessLevel: 'team',
      importance: 0.5,
      createdAt: 0,
    });
    for (const rowid of [5, 9, 2, 7, 3, 8]) index.add(same(BASE + rowid));
    index.seal();
    index.add(same(BASE + 1));
    index.add(same(BASE + 6));
    const hits = topK(index, ['kilo', 'lima'], 5, { agentId: 'me' }, noTexts);
    expect(hits.map((h) => h.rowid - BASE)).toEqual([9, 8, 7, 6, 5]);
  });
});
