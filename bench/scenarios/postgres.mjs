// PostgreSQL beside SQLite: recall and search latency at 10k and 100k memories in one
// namespace, through the engine with the cache off (every run reaches the store).
// Needs a PostgreSQL (TMWS_BENCH_POSTGRES_URL, else TMWS_TEST_POSTGRES_URL, else the local
// server); its schema is dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPatternExecutionEngine } from '../../dist/index.js';
import { createLogger } from '../../dist/logging.js';
import { corpus } from './_corpus.mjs';
import { POSTGRES_URL as PG_URL, dropSchemas, inSchema, postgresReachable } from './_services.mjs';
import { fmt, printTable, summary, timeAsync } from './_util.mjs';

const SIZES = (process.env.TMWS_BENCH_SIZES || '10000,100000').split(',').map(Number);
const NAMESPACE = 'bench';
const QUERIES = [
  ['recall (full text)', 'recall security patterns'],
  ['recall by tag', 'recall items tagged performance'],
  ['semantic search', 'find similar to connection pooling latency'],
];

async function measure(engine, size) {
  // Fewer runs at 100k keep the scenario within a few minutes; p95 of 40 is still indicative.
  const iterations = size >= 100_000 ? 40 : 150;
  const context = { agentId: 'bench-agent', namespace: NAMESPACE };
  const rows = {};
  for (const [label, query] of QUERIES) {
    const sorted = await timeAsync(() => engine.execute(query, { context, useCache: false }), {
      iterations,
      warmup: 5,
    });
    rows[label] = summary(sorted);
  }
  return rows;
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
const rows = [];
try {
  for (const size of SIZES) {
    const sqlite = await createPatternExecutionEngine({
      databaseUrl: join(dir, `bench-${size}.db`),
      logger,
      recordExecutions: false,
    });
    const postgres = await createPatternExecutionEngine({
      databaseUrl: inSchema(PG_URL, `${schema}_${size}`),
      logger,
      recordExecutions: false,
    });
    const loadSqlite = await load(sqlite, size);
    const loadPostgres = await load(postgres, size);
    console.log(
      `${size} memories loaded: SQLite ${loadSqlite.toFixed(1)} s, PostgreSQL ${loadPostgres.toFixed(1)} s (vectors: ${postgres.store.vectors})`,
    );
    const [s, p] = [await measure(sqlite, size), await measure(postgres, size)];
    for (const [label] of QUERIES) {
      rows.push([
        size,
        label,
        fmt(s[label].p50),
        fmt(s[label].p95),
        fmt(p[label].p50),
        fmt(p[label].p95),
        `${(p[label].p50 / s[label].p50).toFixed(1)}×`,
      ]);
    }
    await sqlite.close();
    await postgres.close();
  }
  console.log('\nms per execution, cache off (baseline: embedded SQLite)');
  printTable(['memories', 'query', 'SQLite p50', 'SQLite p95', 'PG p50', 'PG p95', 'PG/SQLite p50'], rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(
    PG_URL,
    SIZES.map((size) => `${schema}_${size}`),
  );
}
