// k-NN over 100,000 embeddings of the built-in embedder: the in-process int8 index the
// SQLite store uses, beside sqlite-vec's vec0 table on the same vectors (the extension
// the architecture first named). Run: npm run bench -- vectors
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { HashingEmbedder } from '../../dist/index.js';
import { quantize, VectorIndex } from '../../dist/memory/vector-index.js';
import { fmt, mib, printTable, summary } from './_util.mjs';

const COUNT = 100_000;
const embedder = new HashingEmbedder();
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
const sentence = (n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');

const vectors = Array.from({ length: COUNT }, () => embedder.embedSync(sentence(12 + Math.floor(random() * 10))));
const queries = {
  'short query (3 words)': Array.from({ length: 50 }, () => embedder.embedSync(sentence(3))),
  'long query (30 words)': Array.from({ length: 50 }, () => embedder.embedSync(sentence(30))),
};

const before = process.memoryUsage().external;
const index = new VectorIndex(embedder.dimensions);
vectors.forEach((v, i) => index.add(i + 1, quantize(v)));
const indexBytes = process.memoryUsage().external - before;

const db = new Database(':memory:');
sqliteVec.load(db);
db.exec(`CREATE VIRTUAL TABLE vec USING vec0(embedding float[${embedder.dimensions}] distance_metric=cosine)`);
const insert = db.prepare('INSERT INTO vec (rowid, embedding) VALUES (?, ?)');
db.transaction(() => vectors.forEach((v, i) => insert.run(BigInt(i + 1), Buffer.from(v.buffer))))();
const knn = db.prepare('SELECT rowid, distance FROM vec WHERE embedding MATCH ? AND k = ?');

function time(fn, list) {
  for (const q of list.slice(0, 5)) fn(q);
  const durations = list.map((q) => {
    const start = performance.now();
    fn(q);
    return performance.now() - start;
  });
  return summary(durations.sort((a, b) => a - b));
}

let agreement = 0;
for (const q of queries['long query (30 words)'].slice(0, 20)) {
  const ours = new Set(index.search(q, 10).map((n) => n.rowid));
  agreement += knn.all(Buffer.from(q.buffer), 10).filter((r) => ours.has(r.rowid)).length / 10;
}

const rows = [];
for (const k of [10, 100]) {
  for (const [label, list] of Object.entries(queries)) {
    const ours = time((q) => index.search(q, k), list);
    const vec0 = time((q) => knn.all(Buffer.from(q.buffer), k), list);
    rows.push([
      `k=${k}, ${label}`,
      fmt(ours.p50),
      fmt(ours.p95),
      fmt(vec0.p50),
      fmt(vec0.p95),
      `${Math.round(vec0.p50 / ours.p50)}×`,
    ]);
  }
}
console.log(`${COUNT.toLocaleString()} vectors × ${embedder.dimensions} dimensions (${embedder.id})`);
printTable(['query', 'int8 index p50 ms', 'p95 ms', 'sqlite-vec p50 ms', 'p95 ms', 'speedup'], rows);
console.log(`top-10 agreement with sqlite-vec's exact float search: ${((agreement / 20) * 100).toFixed(1)} %`);
console.log(
  `int8 index memory: ${mib(indexBytes)} MiB (float32 vectors would take ${mib(COUNT * embedder.dimensions * 4)} MiB)`,
);
