// Created-time windows: the same searches with `since: 7d` and without, side by side, at 100,000
// memories written over a year (so a week holds ~2 % of them), on SQLite and PostgreSQL.
// Needs a PostgreSQL (TMWS_BENCH_POSTGRES_URL, else TMWS_TEST_POSTGRES_URL, else the local
// server) for its half; its schema is dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPatternExecutionEngine } from '../../dist/index.js';
import { createLogger } from '../../dist/logging.js';
import { corpus } from './_corpus.mjs';
import { POSTGRES_URL as PG_URL, dropSchemas, inSchema, postgresReachable } from './_services.mjs';
import { fmt, percentile, printTable } from './_util.mjs';

const SIZE = Number(process.env.TMWS_BENCH_WINDOW_SIZE || 100_000);
const NAMESPACE = 'bench';
const scope = { namespace: NAMESPACE, agentId: 'bench-agent' };
/** Each case: a label and the search, run with `since: '7d'` and without, alternately. */
const CASES = [
  ['one common word', { query: 'security' }],
  ['two common words', { query: 'security latency' }],
  ['rare word', { query: `#${Math.floor(SIZE * 0.995)}` }],
  ['listing, newest', { query: undefined }],
  ['hybrid search', { query: 'connection pooling latency', mode: 'hybrid' }],
];
const ITERATIONS = 60;
/** In-process indexes of a large namespace build in the background from the first search: measured once built. */
const SETTLE_MS = 20_000;
const BACKENDS = (process.env.BENCH_WINDOW_BACKENDS || 'sqlite,postgres').split(',');

/** A server's requests arrive through I/O, so background work (index building) runs between them: here too. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function load(engine) {
  const memories = corpus(SIZE, { namespace: NAMESPACE, spreadDays: 365 });
  for (let i = 0; i < memories.length; i += 10_000) await engine.importMemories(memories.slice(i, i + 10_000));
  await engine.embedPendingMemories();
}

/** Searches untimed until the background work a first search starts (index builds) is done. */
async function settle(engine) {
  const until = performance.now() + SETTLE_MS;
  while (performance.now() < until) {
    for (const [, search] of CASES) await engine.searchMemories(scope, search);
    await nextTurn();
  }
}

/** Windowed and unwindowed runs of each case, interleaved so both meet the same machine. */
async function measure(engine) {
  await settle(engine);
  const rows = [];
  for (const [label, search] of CASES) {
    const times = { plain: [], windowed: [] };
    let found = 0;
    for (let i = 0; i < ITERATIONS + 5; i++) {
      for (const kind of i % 2 === 0 ? ['plain', 'windowed'] : ['windowed', 'plain']) {
        const started = performance.now();
        const { memories } = await engine.searchMemories(scope, {
          ...search,
          ...(kind === 'windowed' && { since: '7d' }),
        });
        if (i >= 5) times[kind].push(performance.now() - started);
        if (kind === 'windowed') found = memories.length;
        await nextTurn();
      }
    }
    const [plain, windowed] = [times.plain.sort((a, b) => a - b), times.windowed.sort((a, b) => a - b)];
    rows.push([label, found, plain, windowed]);
  }
  return rows;
}

const logger = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'tmws-bench-'));
const schema = `tmws_bench_windows_${process.pid}`;
const table = [];
const backends = BACKENDS.includes('sqlite') ? [['SQLite', join(dir, 'windows.db')]] : [];
if (!BACKENDS.includes('postgres')) {
  // left out on request
} else if (await postgresReachable()) backends.push(['PostgreSQL', inSchema(PG_URL, schema)]);
else console.log(`PostgreSQL half skipped: none at ${PG_URL} (set TMWS_BENCH_POSTGRES_URL)`);
try {
  for (const [backend, databaseUrl] of backends) {
    const engine = await createPatternExecutionEngine({ databaseUrl, logger, recordExecutions: false });
    try {
      const started = performance.now();
      await load(engine);
      console.log(
        `${backend}: ${SIZE} memories over 365 days loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      for (const [label, found, plain, windowed] of await measure(engine)) {
        const [p50, w50] = [percentile(plain, 0.5), percentile(windowed, 0.5)];
        table.push([
          backend,
          label,
          found,
          fmt(p50),
          fmt(percentile(plain, 0.95)),
          fmt(w50),
          fmt(percentile(windowed, 0.95)),
          `${(w50 / p50).toFixed(2)}×`,
        ]);
      }
    } finally {
      await engine.close();
    }
  }
  console.log(`\nsearchMemories, top 10, ${ITERATIONS} runs each, windowed and plain alternating (ms):\n`);
  printTable(
    ['backend', 'search', 'found in 7d', 'plain p50', 'plain p95', '7d p50', '7d p95', '7d / plain p50'],
    table,
  );
  console.log('\ntarget: a windowed search within 1.2× of the same search without a window');
} finally {
  await dropSchemas(PG_URL, [schema]).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
