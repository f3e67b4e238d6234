// The in-process full-text index beside FTS5's exact ranking (bm25() over every match) on the
// same SQLite file: build time, bytes, top-10 latency by query shape, and the store's search
// through it. Run: npm run bench -- full-text   (TMWS_BENCH_SIZES=10000,100000)
// TMWS_BENCH_BASELINE=<a dist directory of an earlier build> adds that build's index, built
// from the same file, as a before-and-after in one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqliteDatabase } from '../../dist/memory/sqlite/database.js';
import { NamespaceRanges } from '../../dist/memory/sqlite/namespace-ranges.js';
import { SqliteMemoryStore } from '../../dist/memory/sqlite/sqlite-memory-store.js';
import { SqliteTextIndexes } from '../../dist/memory/sqlite/sqlite-text-index.js';
import { HashingEmbedder } from '../../dist/embeddings/hashing-embedder.js';
import { corpus } from './_corpus.mjs';
import { fmt, printTable, summary } from './_util.mjs';

const SIZES = (process.env.TMWS_BENCH_SIZES || '10000,100000').split(',').map(Number);
const BASELINE = process.env.TMWS_BENCH_BASELINE;
const SHAPES = [
  ['one common word (35 %)', ['security']],
  ['a rare word', null],
  ['two common words', ['security', 'database']],
  ['three common words', ['deploy', 'auth', 'index']],
  ['three common words (35 %)', ['security', 'database', 'performance']],
  ['common + rare', null],
];
const Baseline = BASELINE && (await import(resolve(BASELINE, 'memory/sqlite/sqlite-text-index.js'))).SqliteTextIndexes;

/** Builds a namespace's index to the end; its build time and what it holds (typed arrays, JS heap). */
async function build(Indexes, db, range, label, size) {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage();
  const indexes = new Indexes(db);
  const started = performance.now();
  indexes.current('bench', range);
  while (indexes.current('bench', range) === null) await new Promise((r) => setImmediate(r));
  const buildMs = performance.now() - started;
  globalThis.gc?.();
  const heapAfter = process.memoryUsage();
  console.log(
    `${size.toLocaleString('en')} ${label}: built in ${fmt(buildMs / 1000, 2)} s; typed arrays ${fmt(indexes.byteLength / 2 ** 20, 1)} MiB; ` +
      `JS heap +${fmt((heapAfter.heapUsed - heapBefore.heapUsed) / 2 ** 20, 1)} MiB; ${indexes.current('bench', range).terms.size.toLocaleString('en')} terms`,
  );
  return { indexes, index: indexes.current('bench', range), buildMs };
}

const embedder = new HashingEmbedder();
const dir = mkdtempSync(join(tmpdir(), 'tmws-bench-'));
try {
  const rows = [];
  for (const size of SIZES) {
    const db = openSqliteDatabase({ path: join(dir, `text-${size}.db`), embedder });
    const store = new SqliteMemoryStore(db);
    const notes = corpus(size, { namespace: 'bench' });
    for (let i = 0; i < notes.length; i += 10_000) {
      await store.importMany(
        notes.slice(i, i + 10_000),
        notes.slice(i, i + 10_000).map(() => null),
      );
    }
    const rare = notes[5].content.split(' ')[2];
    const range = new NamespaceRanges(db).find('bench');
    const before = Baseline && (await build(Baseline, db, range, 'before', size));
    const { indexes, index, buildMs } = await build(SqliteTextIndexes, db, range, 'index', size);
    const filter = indexes.filter('bench', 'bench-agent', {});
    // The store builds its own index on its first search, in the background: let it finish.
    const scope = { namespace: 'bench', agentId: 'bench-agent' };
    const firstStarted = performance.now();
    await store.search(scope, { text: 'security', limit: 10 });
    const firstMs = performance.now() - firstStarted;
    await new Promise((resolve) => setTimeout(resolve, buildMs * 2 + 200));
    console.log(`  first store search (FTS5 while the index builds): ${fmt(firstMs)} ms`);
    const fts = db.prepare(
      `SELECT rowid, -bm25(memories_fts, 1.0, 0.5) AS score FROM memories_fts
       WHERE memories_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY score DESC, rowid DESC LIMIT 10`,
    );
    for (const [label, fixed] of SHAPES) {
      const words = fixed ?? (label === 'a rare word' ? [rare] : ['security', rare]);
      const match = words.map((w) => `"${w}"`).join(' OR ');
      const timed = { ours: [], theirs: [], engine: [], before: [] };
      const time = (key, run) => {
        const started = performance.now();
        run();
        timed[key].push(performance.now() - started);
      };
      for (let i = 0; i < 60; i++) {
        time('ours', () => indexes.ranked(index, words, filter, 10).next());
        if (before) time('before', () => before.indexes.ranked(before.index, words, filter, 10).next());
        time('theirs', () => fts.all(match, range.lo, range.hi));
        const started = performance.now();
        await store.search(scope, { text: words.join(' '), limit: 10 });
        timed.engine.push(performance.now() - started);
      }
      const [o, f, e, b] = [timed.ours, timed.theirs, timed.engine, timed.before].map(
        (times) => times.length > 0 && summary(times.slice(10).sort((x, y) => x - y)),
      );
      rows.push([
        size.toLocaleString('en'),
        label,
        fmt(o.p50, 3),
        fmt(o.p95, 3),
        ...(b ? [fmt(b.p50, 3), fmt(b.p95, 3)] : []),
        fmt(e.p50),
        fmt(e.p95),
        fmt(f.p50),
        fmt(f.p95),
        `1/${Math.round(f.p50 / o.p50)}`,
      ]);
    }
    indexes.close();
    before?.indexes.close();
    await store.close();
    db.close();
  }
  console.log('\ntop 10 by BM25, ms: the index alone, the store search through it, and FTS5 ranking every match');
  printTable(
    [
      'memories',
      'query',
      'index p50',
      'index p95',
      ...(Baseline ? ['before p50', 'before p95'] : []),
      'store p50',
      'store p95',
      'FTS5 p50',
      'FTS5 p95',
      'index/FTS5',
    ],
    rows,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
