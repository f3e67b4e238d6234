// k-NN over 100,000 hashing vectors in the embedded store: the 2-bit codes held in process with
// an exact re-score of a shortlist (SqliteMemoryStore.nearest), beside an exact float32 scan of
// every vector in JavaScript and sqlite-vec's vec0 table on the same vectors; the top-10
// agreement of each with exact cosine; a created-time window inside the top k; and the first
// search of a fresh process, which loads the namespace's codes. Run: npm run bench -- vectors
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { HashingEmbedder } from '../../dist/index.js';
import { openSqliteDatabase } from '../../dist/memory/sqlite/database.js';
import { SqliteMemoryStore } from '../../dist/memory/sqlite/sqlite-memory-store.js';
import { corpus } from './_corpus.mjs';
import { fmt, mib, printTable, summary } from './_util.mjs';

const COUNT = 100_000;
const LIMIT = 30; // the hybrid search's depth
const embedder = new HashingEmbedder();
const scope = { namespace: 'bench', agentId: 'bench-agent' };
const notes = corpus(COUNT, scope);
const vectors = notes.map((n) => embedder.embedSync(n.content));
const topics = ['security', 'performance', 'database', 'caching', 'latency', 'deploy', 'auth', 'index', 'query'];
const queries = Array.from({ length: 50 }, (_, i) =>
  i % 2 === 0
    ? `${topics[i % topics.length]} ${topics[(i * 7 + 3) % topics.length]}`
    : notes[i * 997].content
        .split(' ')
        .slice(0, 3 + (i % 12))
        .join(' '),
).map((text) => embedder.embedSync(text));

const dir = mkdtempSync(join(tmpdir(), 'tmws-vectors-'));
const file = join(dir, 'bench.db');
try {
  const writer = open();
  for (let i = 0; i < COUNT; i += 25_000) {
    await writer.store.importMany(notes.slice(i, i + 25_000), vectors.slice(i, i + 25_000));
  }
  await writer.close();

  // A fresh process's first search loads the namespace's codes from their blocks.
  const reader = open();
  const started = performance.now();
  await reader.store.nearest(scope, { embedding: queries[0], limit: LIMIT });
  const firstMs = performance.now() - started;
  const blockBytes = reader.db.prepare('SELECT sum(length(data)) FROM vector_blocks').pluck().get();

  const first = notes[0].createdAt;
  const span = notes[COUNT - 1].createdAt - first;
  const windows = {
    none: {},
    'half the notes': { createdAfter: first + span / 2 },
    'a tenth': { createdAfter: first + span * 0.45, createdBefore: first + span * 0.55 },
  };
  const rows = [];
  for (const [label, window] of Object.entries(windows)) {
    const times = await timeEach(async (q) => reader.store.nearest(scope, { embedding: q, limit: LIMIT, ...window }));
    rows.push([`codes + re-score, window: ${label}`, fmt(times.p50), fmt(times.p95)]);
  }
  const exact = (q, k) => {
    const scores = new Float64Array(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const v = vectors[i];
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d] * q[d];
      scores[i] = dot;
    }
    return Array.from(scores.keys())
      .sort((a, b) => scores[b] - scores[a])
      .slice(0, k);
  };
  const exactTimes = await timeEach(async (q) => exact(q, LIMIT));
  rows.push(['exact float32 scan in JS (baseline)', fmt(exactTimes.p50), fmt(exactTimes.p95)]);

  const vec = new Database(':memory:');
  sqliteVec.load(vec);
  vec.exec(`CREATE VIRTUAL TABLE vec USING vec0(embedding float[${embedder.dimensions}] distance_metric=cosine)`);
  const insert = vec.prepare('INSERT INTO vec (rowid, embedding) VALUES (?, ?)');
  vec.transaction(() => vectors.forEach((v, i) => insert.run(BigInt(i), Buffer.from(v.buffer))))();
  const knn = vec.prepare('SELECT rowid, distance FROM vec WHERE embedding MATCH ? AND k = ?');
  const vecTimes = await timeEach(async (q) => knn.all(Buffer.from(q.buffer), LIMIT));
  rows.push(['sqlite-vec vec0 (exact, float32)', fmt(vecTimes.p50), fmt(vecTimes.p95)]);

  // Top-10 agreement with exact cosine over the float vectors.
  const byContent = new Map(notes.map((n, i) => [n.content, i]));
  let agreed = 0;
  for (const q of queries) {
    const truth = new Set(exact(q, 10));
    const found = await reader.store.nearest(scope, { embedding: q, limit: 10 });
    agreed += found.filter((m) => truth.has(byContent.get(m.content))).length;
  }
  await reader.close();

  console.log(
    `${COUNT.toLocaleString('en')} vectors × ${embedder.dimensions} dimensions (${embedder.id}), top ${LIMIT}`,
  );
  printTable(['k-NN', 'p50 ms', 'p95 ms'], rows);
  console.log(`first search of a fresh store (loads the codes): ${fmt(firstMs)} ms`);
  console.log(`top-10 agreement with exact cosine: ${((agreed / (queries.length * 10)) * 100).toFixed(1)} %`);
  console.log(
    `codes in memory: ${mib(blockBytes)} MiB (rowid, created time, factor and 2-bit code); int8 vectors were ${mib(COUNT * embedder.dimensions)} MiB, float32 ${mib(COUNT * embedder.dimensions * 4)} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function open() {
  const db = openSqliteDatabase({ path: file, embedder });
  const store = new SqliteMemoryStore(db);
  return { db, store, close: async () => (await store.close(), db.close()) };
}

async function timeEach(run) {
  for (const q of queries.slice(0, 5)) await run(q);
  const times = [];
  for (const q of queries) {
    const started = performance.now();
    await run(q);
    times.push(performance.now() - started);
  }
  return summary(times.sort((a, b) => a - b));
}
