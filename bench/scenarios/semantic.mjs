// Semantic search per embedder: search p50/p95 at 10k and 100k memories, a single store's p95
// at 100k with the local model (which must not be on the write path), import throughput with
// embeddings, first-query model load and resident memory, each in fresh processes.
//
// The local sentence encoder embeds ~100–300 texts/s on this machine's 2 cores (ONNX Runtime;
// TF.js ~20–50), so its 10k corpus is embedded once and cached under the OS temp dir (reused
// between runs; the vectors are the same on either runtime); the 100k index
// repeats those vectors (exact k-NN costs the same whatever the values). Sizes:
// BENCH_SEMANTIC_SIZES=10000,100000, BENCH_SEMANTIC_DISTINCT=10000 (texts the model embeds).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createPatternExecutionEngine, HashingEmbedder, LocalEmbedder } from '../../dist/index.js';
import { openSqliteDatabase } from '../../dist/memory/sqlite/database.js';
import { SqliteMemoryStore } from '../../dist/memory/sqlite/sqlite-memory-store.js';
import { corpus } from './_corpus.mjs';
import { fmt, mib, printTable, summary, timeAsync } from './_util.mjs';

const SIZES = (process.env.BENCH_SEMANTIC_SIZES ?? '10000,100000').split(',').map(Number);
const DISTINCT = Number(process.env.BENCH_SEMANTIC_DISTINCT ?? 10_000);
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'tmws-bench-semantic-'));
const context = { namespace: 'bench', agentId: 'bench-agent', limit: 10 };
const texts = corpus(DISTINCT, { namespace: 'bench' }).map((m) => m.content);

/** The local model's vectors of the distinct texts, embedded once and cached on disk. */
async function localVectors() {
  const cache = join(tmpdir(), `tmws-bench-use-lite-${DISTINCT}.f32`);
  if (existsSync(cache)) {
    const all = new Float32Array(readFileSync(cache).buffer.slice(0));
    console.log(`local vectors: ${DISTINCT} read from ${cache}`);
    return Array.from({ length: DISTINCT }, (_, i) => all.subarray(i * 512, (i + 1) * 512));
  }
  const started = performance.now();
  const vectors = await new LocalEmbedder().embedBatch(texts);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `local vectors: embedded ${DISTINCT} in ${seconds.toFixed(0)} s (${(DISTINCT / seconds).toFixed(0)} texts/s); cached in ${cache}`,
  );
  const all = new Float32Array(DISTINCT * 512);
  vectors.forEach((v, i) => all.set(v, i * 512));
  writeFileSync(cache, Buffer.from(all.buffer));
  return vectors;
}

/** A database of `size` memories whose vectors come from `vectorOf`, written through the store. */
async function database(name, size, identity, vectorOf) {
  const path = join(dir, `${name}-${size}.db`);
  const db = openSqliteDatabase({ path, embedder: identity });
  const store = new SqliteMemoryStore(db);
  const memories = corpus(size, { namespace: 'bench' });
  for (let start = 0; start < size; start += 10_000) {
    const batch = memories.slice(start, start + 10_000);
    await store.importMany(
      batch,
      batch.map((_, i) => vectorOf(start + i)),
    );
  }
  await store.close();
  db.close();
  return path;
}

function probe(path, embedder) {
  const out = execFileSync(process.execPath, [
    '--expose-gc',
    new URL('./_semantic-probe.mjs', import.meta.url).pathname,
    path,
    embedder,
  ]);
  return JSON.parse(out.toString());
}

const hashing = new HashingEmbedder();
const local = await localVectors();
const rows = [];
const probes = [];
for (const size of SIZES) {
  const paths = {
    hashing: await database('hashing', size, hashing, (i) => hashing.embedSync(texts[i % DISTINCT])),
    local: await database('local', size, new LocalEmbedder(), (i) => local[i % DISTINCT]),
  };
  for (const name of ['hashing', 'local']) {
    const engine = await createPatternExecutionEngine({
      databaseUrl: paths[name],
      embedder: name,
      recordExecutions: false,
      logger,
    });
    const search = summary(
      await timeAsync(
        (i) => engine.execute(`search for slow query number ${i} after deploy`, { context, useCache: false }),
        {
          iterations: name === 'local' ? 60 : 300,
          warmup: 5,
        },
      ),
    );
    const lexical = summary(
      await timeAsync((i) => engine.execute(`recall caching latency ${i}`, { context, useCache: false }), {
        iterations: 300,
        warmup: 20,
      }),
    );
    const row = [name, size, fmt(search.p50), fmt(search.p95), fmt(lexical.p50), fmt(lexical.p95)];
    if (size === Math.max(...SIZES)) {
      const store = summary(
        await timeAsync(
          (i) =>
            engine.storeMemory(
              { namespace: 'bench', agentId: 'bench-agent' },
              { content: `new ${name} memory ${i}: rotated keys` },
            ),
          { iterations: 300, warmup: 20 },
        ),
      );
      row.push(fmt(store.p50), fmt(store.p95));
    } else row.push('', '');
    rows.push(row);
    await engine.close();
    if (size === SIZES[0]) probes.push([name, probe(paths[name], name)]);
  }
}
console.log(
  '\nsearch = `search for …` (hybrid, query embedding included); recall = lexical; store = engine.storeMemory',
);
printTable(
  ['embedder', 'memories', 'search p50', 'search p95', 'recall p50', 'recall p95', 'store p50', 'store p95'],
  rows,
);

console.log(
  `\nfresh process on the ${SIZES[0]}-memory database (first query loads the model; RSS after 40 more searches)`,
);
printTable(
  ['embedder', 'open ms', 'first lexical ms', 'first semantic ms', 'RSS MiB'],
  probes.map(([name, p]) => [name, fmt(p.openMs), fmt(p.lexicalMs), fmt(p.firstSemanticMs), mib(p.rss)]),
);

// Import with embeddings: rows first, then vectors in batches (what `memory import` does, with a progress bar).
const importRows = [];
for (const [name, count] of [
  ['hashing', 10_000],
  ['local', 1_000],
]) {
  const engine = await createPatternExecutionEngine({
    databaseUrl: join(dir, `import-${name}.db`),
    embedder: name,
    recordExecutions: false,
    logger,
  });
  const started = performance.now();
  await engine.importMemories(corpus(count, { namespace: 'import', seed: 7 }));
  const imported = performance.now();
  await engine.embedPendingMemories();
  const done = performance.now();
  importRows.push([
    name,
    count,
    fmt(imported - started, 0),
    fmt(done - imported, 0),
    ((count / (done - started)) * 1000).toFixed(0),
  ]);
  await engine.close();
}
console.log('\nimport with embeddings');
printTable(['embedder', 'memories', 'rows ms', 'vectors ms', 'memories/s'], importRows);
rmSync(dir, { recursive: true, force: true });
