// The in-process full-text index beside FTS5's exact ranking (bm25() over every match) on the
// same SQLite file: build time, typed-array bytes, top-10 latency by query shape, and the store's
// search through it. Run: npm run bench -- full-text   (TMWS_BENCH_SIZES=10000,100000)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '../../dist/memory/sqlite/database.js';
import { NamespaceRanges } from '../../dist/memory/sqlite/namespace-ranges.js';
import { SqliteMemoryStore } from '../../dist/memory/sqlite/sqlite-memory-store.js';
import { SqliteTextIndexes } from '../../dist/memory/sqlite/sqlite-text-index.js';
import { HashingEmbedder } from '../../dist/embeddings/hashing-embedder.js';
import { corpus } from './_corpus.mjs';
import { fmt, printTable, summary } from './_util.mjs';

const SIZES = (process.env.TMWS_BENCH_SIZES || '10000,100000').split(',').map(Number);
const SHAPES = [
  ['one common word (35 %)', ['security']],
  ['a rare word', null],
  ['two common words', ['security', 'database']],
  ['three common words', ['deploy', 'auth', 'index']],
  ['common + rare', null],
];
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
    globalThis.gc?.();
    const heapBefore = process.memoryUsage();
    const indexes = new SqliteTextIndexes(db);
    const started = performance.now();
    indexes.current('bench', range);
    while (indexes.current('bench', range) === null) await new Promise((r) => setImmediate(r));
    const buildMs = performance.now() - started;
    globalThis.gc?.();
    const heapAfter = process.memoryUsage();
    const index = indexes.current('bench', range);
    console.log(
      `${size.toLocaleString('en')}: built in ${fmt(buildMs / 1000, 2)} s; typed arrays ${fmt(indexes.byteLength / 2 ** 20, 1)} MiB; ` +
        `JS heap +${fmt((heapAfter.heapUsed - heapBefore.heapUsed) / 2 ** 20, 1)} MiB; ${index.terms.size.toLocaleString('en')} terms`,
    );
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
      const ours = [];
      const theirs = [];
      const engine = [];
      for (let i = 0; i < 60; i++) {
        let t = performance.now();
        indexes.ranked(index, words, filter, 10).next();
        ours.push(performance.now() - t);
        t = performance.now();
        fts.all(match, range.lo, range.hi);
        theirs.push(performance.now() - t);
        t = performance.now();
        await store.search(scope, { text: words.join(' '), limit: 10 });
        engine.push(performance.now() - t);
      }
      const [o, f, e] = [ours, theirs, engine].map((times) => summary(times.slice(10).sort((a, b) => a - b)));
      rows.push([
        size.toLocaleString('en'),
        label,
        fmt(o.p50, 3),
        fmt(o.p95, 3),
        fmt(e.p50),
        fmt(e.p95),
        fmt(f.p50),
        fmt(f.p95),
        `1/${Math.round(f.p50 / o.p50)}`,
      ]);
    }
    indexes.close();
    await store.close();
    db.close();
  }
  console.log('\ntop 10 by BM25, ms: the index alone, the store search through it, and FTS5 ranking every match');
  printTable(
    ['memories', 'query', 'index p50', 'index p95', 'store p50', 'store p95', 'FTS5 p50', 'FTS5 p95', 'index/FTS5'],
    rows,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
