// Run by local-model.mjs in a fresh process: one LocalEmbedder (runtime, threads), the texts in
// calls of its batchSize as a backlog hands them, `passes` times over. Prints JSON: load time,
// notes/s, token positions and padding, resident memory after the warm-up and after each pass;
// writes the last pass's vectors to `vectorsFile` for the cosine check.
import { readFileSync, writeFileSync } from 'node:fs';
import { LocalEmbedder } from '../../dist/index.js';

const [runtime, threads, textsFile, vectorsFile, passes] = process.argv.slice(2);
const texts = JSON.parse(readFileSync(textsFile, 'utf8'));
const rss = () => process.memoryUsage().rss;
const before = rss();
const embedder = new LocalEmbedder({ runtime, threads: Number(threads) });
let started = performance.now();
await embedder.embed('warm up');
const loadMs = performance.now() - started;
// Every thread started and warm before timing: one call of batchSize.
await embedder.embedBatch(texts.slice(0, embedder.batchSize));
const warm = rss();
const positions = embedder.positions;
const rssAfterPass = [];
let vectors;
started = performance.now();
for (let pass = 0; pass < Number(passes); pass++) {
  vectors = [];
  for (let start = 0; start < texts.length; start += embedder.batchSize) {
    vectors.push(...(await embedder.embedBatch(texts.slice(start, start + embedder.batchSize))));
  }
  rssAfterPass.push(rss());
}
const seconds = (performance.now() - started) / 1000;
const after = embedder.positions;
const all = new Float32Array(vectors.length * 512);
vectors.forEach((v, i) => all.set(v, i * 512));
writeFileSync(vectorsFile, Buffer.from(all.buffer));
console.log(
  JSON.stringify({
    runtime: embedder.runtime,
    loadMs,
    notesPerSecond: (texts.length * Number(passes)) / seconds,
    padding:
      (after.padding - positions.padding) / (after.tokens - positions.tokens + after.padding - positions.padding),
    rssBefore: before,
    rssWarm: warm,
    rssAfterPass,
  }),
);
await embedder.close();
