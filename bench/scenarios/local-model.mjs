// The local sentence encoder's throughput, side by side in one run: TF.js on WebAssembly (the
// fallback) and the same graph on ONNX Runtime, with one and two model threads, on the same
// texts fed as a backlog feeds them (calls of the embedder's batchSize, ordered by token count
// inside). Each configuration runs in a fresh process, one after the other, so at most two
// model threads are loaded at a time and resident memory is the configuration's own.
// Also: padding by ordering (arrival, characters, tokens), resident memory over many batches
// (ONNX Runtime's model thread must not grow), and the cosine of every vector to TF.js's.
// Knobs: BENCH_LOCAL_TEXTS (default 2000), BENCH_LOCAL_PASSES (ONNX Runtime passes, default 3).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { shippedModelDirectory } from '../../dist/embeddings/use-lite/tfjs-model-files.js';
import { corpus } from './_corpus.mjs';
import { mib, printTable } from './_util.mjs';

const COUNT = Number(process.env.BENCH_LOCAL_TEXTS ?? 2000);
const PASSES = Number(process.env.BENCH_LOCAL_PASSES ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'tmws-bench-local-'));
const texts = corpus(COUNT, { namespace: 'bench' }).map((m) => m.content);
const textsFile = join(dir, 'texts.json');
writeFileSync(textsFile, JSON.stringify(texts));

// Padding each ordering leaves, with the model's own tokenizer, for calls of 128 and 256 texts
// (one and two threads' batchSize) cut into batches of 32.
const vocabulary = JSON.parse(readFileSync(join(shippedModelDirectory(), 'vocab.json'), 'utf8'));
const { tokenizer } = new EmbeddingsModel({ vocabulary, model: undefined });
const lengths = texts.map((text) => Math.min(128, tokenizer.encode(text).length));
function paddingShare(call, key) {
  let padding = 0;
  let positions = 0;
  for (let start = 0; start < texts.length; start += call) {
    const order = Array.from({ length: Math.min(call, texts.length - start) }, (_, i) => start + i);
    if (key) order.sort((a, b) => key(a) - key(b));
    for (let b = 0; b < order.length; b += 32) {
      const batch = order.slice(b, b + 32).map((i) => lengths[i]);
      const longest = Math.max(...batch);
      padding += batch.length * longest - batch.reduce((x, y) => x + y, 0);
      positions += batch.length * longest;
    }
  }
  return `${((100 * padding) / positions).toFixed(1)} %`;
}
console.log(`${COUNT} synthetic notes, ${(lengths.reduce((a, b) => a + b, 0) / COUNT).toFixed(1)} tokens on average`);
printTable(
  ['texts per call', 'arrival order', 'by characters (before)', 'by tokens (now)'],
  [32, 128, 256].map((call) => [
    call,
    paddingShare(call),
    paddingShare(call, (i) => texts[i].length),
    paddingShare(call, (i) => lengths[i]),
  ]),
);

const configurations = [
  ['tfjs', 1, 1],
  ['tfjs', 2, 1],
  ['auto', 1, PASSES],
  ['auto', 2, PASSES],
];
const results = configurations.map(([runtime, threads, passes]) => {
  const vectorsFile = join(dir, `${runtime}-${threads}.f32`);
  const probe = new URL('./_local-model-probe.mjs', import.meta.url).pathname;
  const out = execFileSync(process.execPath, [probe, runtime, String(threads), textsFile, vectorsFile, String(passes)]);
  const result = JSON.parse(out.toString());
  return { ...result, threads, passes, vectors: new Float32Array(readFileSync(vectorsFile).buffer.slice(0)) };
});

const baseline = results[0].notesPerSecond;
console.log(`\nnotes/s, calls of batchSize (128 per thread); model RSS = resident after warm-up − before the model`);
printTable(
  [
    'runtime',
    'threads',
    'load ms',
    'notes/s',
    '× TF.js 1 thread',
    'padding',
    'model RSS MiB',
    'RSS after each pass MiB',
  ],
  results.map((r) => [
    r.runtime,
    r.threads,
    r.loadMs.toFixed(0),
    r.notesPerSecond.toFixed(0),
    (r.notesPerSecond / baseline).toFixed(2),
    `${(100 * r.padding).toFixed(1)} %`,
    mib(r.rssWarm - r.rssBefore),
    r.rssAfterPass.map(mib).join(' → '),
  ]),
);

const reference = results[0].vectors;
for (const r of results.slice(2)) {
  let worst = 1;
  for (let i = 0; i < COUNT; i++) {
    let dot = 0;
    for (let k = 0; k < 512; k++) dot += r.vectors[i * 512 + k] * reference[i * 512 + k];
    worst = Math.min(worst, dot);
  }
  console.log(`${r.runtime} × ${r.threads}: lowest cosine to TF.js over ${COUNT} vectors ${worst.toFixed(6)}`);
}
rmSync(dir, { recursive: true, force: true });
