// PostgreSQL beside SQLite: recall and search latency at 10k and 100k memories in one
// namespace, through the engine with the cache off (every run reaches the store), each query
// run on every engine in turn. Needs a PostgreSQL (TMWS_BENCH_POSTGRES_URL, else
// TMWS_TEST_POSTGRES_URL, else the local server); its schema is dropped afterwards.
// TMWS_BENCH_BASELINE=<a dist directory of an earlier build> adds that build's PostgreSQL
// store on the same schema, as a before-and-after in one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPatternExecutionEngine, openMemoryStore } from '../../dist/index.js';
import { createLogger } from '../../dist/logging.js';
import { corpus } from './_corpus.mjs';
import { POSTGRES_URL as PG_URL, dropSchemas, inSchema, postgresReachable } from './_services.mjs';
import { fmt, printTable, summary } from './_util.mjs';

const SIZES = (process.env.TMWS_BENCH_SIZES || '10000,100000').split(',').map(Number);
const BASELINE = process.env.TMWS_BENCH_BASELINE;
const NAMESPACE = 'bench';
const QUERIES = [
  ['recall, one word (35 %)', 'recall security patterns'],
  ['recall, two common words', 'recall security database'],
  ['recall, three common words', 'recall deploy auth index'],
  ['recall by tag', 'recall items tagged performance'],
  ['semantic search', 'find similar to connection pooling latency'],
];

/**
 * Runs each query on every engine in turn; per engine and query, the sorted durations. First
 * every query runs for a while untimed: what a store starts in the background on its first
 * searches (SQLite's in-process index, PostgreSQL's new text epoch) is done before timing.
 */
async function measure(engines, size) {
  // Fewer runs at 100k keep the scenario within a few minutes; p95 of 40 is still indicative.
  const iterations = size >= 100_000 ? 40 : 150;
  const context = { agentId: 'bench-agent', namespace: NAMESPACE };
  const settle = performance.now() + (size >= 100_000 ? 15_000 : 3_000);
  while (performance.now() < settle) {
    for (const [, query] of QUERIES)
      for (const engine of engines) await engine.execute(query, { context, useCache: false });
  }
  const times = engines.map(() => QUERIES.map(() => []));
  for (const [q, [, query]] of QUERIES.entries()) {
    for (let i = 0; i < iterations + 5; i++) {
      for (const [e, engine] of engines.entries()) {
        const started = performance.now();
        await engine.execute(query, { context, useCache: false });
        if (i >= 5) times[e][q].push(performance.now() - started);
      }
    }
  }
  return times.map((perQuery) => perQuery.map((t) => summary(t.sort((a, b) => a - b))));
}

async function load(engine, size) {
  const memories = corpus(size, { namespace: NAMESPACE });
  const started = performance.now();
  for (let i = 0; i < memories.length; i += 10_000) await engine.importMemories(memories.slice(i, i + 10_000));
  return (performance.now() - started) / 1000;
}

if (!(await postgresReachable())) {
  console.log(`skipped: no PostgreSQL at ${PG_URL} (set TMWS_BENCH_POSTGRES_URL)`);
  process.exit(0);
}
const logger = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'tmws-bench-'));
const schema = `tmws_bench_${process.pid}`;
const baseline = BASELINE && (await import(resolve(BASELINE, 'index.js')));
const rows = [];
try {
  for (const size of SIZES) {
    const options = { logger, recordExecutions: false };
    const sqlite = await createPatternExecutionEngine({ ...options, databaseUrl: join(dir, `bench-${size}.db`) });
    const url = inSchema(PG_URL, `${schema}_${size}`);
    // Opened here, not by the engine, to report which vector path the store took.
    const postgresStore = await openMemoryStore(url, { logger });
    const { store, embedder } = postgresStore;
    const postgres = await createPatternExecutionEngine({ ...options, store, embedder });
    const loadSqlite = await load(sqlite, size);
    const loadPostgres = await load(postgres, size);
    console.log(
      `${size} memories loaded: SQLite ${loadSqlite.toFixed(1)} s, PostgreSQL ${loadPostgres.toFixed(1)} s (vectors: ${store.vectors})`,
    );
    const before = baseline && (await baseline.createPatternExecutionEngine({ ...options, databaseUrl: url }));
    const [s, p, b] = await measure([sqlite, postgres, ...(before ? [before] : [])], size);
    for (const [q, [label]] of QUERIES.entries()) {
      rows.push([
        size,
        label,
        fmt(s[q].p50),
        fmt(s[q].p95),
        fmt(p[q].p50),
        fmt(p[q].p95),
        `${(p[q].p50 / s[q].p50).toFixed(1)}×`,
        ...(b ? [fmt(b[q].p50), fmt(b[q].p95)] : []),
      ]);
    }
    await sqlite.close();
    await postgres.close();
    await postgresStore.close();
    await before?.close();
  }
  console.log('\nms per execution, cache off (baseline: embedded SQLite)');
  printTable(
    [
      'memories',
      'query',
      'SQLite p50',
      'SQLite p95',
      'PG p50',
      'PG p95',
      'PG/SQLite p50',
      ...(baseline ? ['PG before p50', 'PG before p95'] : []),
    ],
    rows,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(
    PG_URL,
    SIZES.map((size) => `${schema}_${size}`),
  );
}
