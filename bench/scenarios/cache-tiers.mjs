// Cache tiers: an L1 hit, an L2 hit (computed by another instance, first read here) and a
// miss, for a memory recall over PostgreSQL (or SQLite when no PostgreSQL answers), beside
// the in-process-only cache and the uncached execution.
// Needs Redis (TMWS_BENCH_REDIS_URL, else TMWS_TEST_REDIS_URL, else the local server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createPatternExecutionEngine } from '../../dist/index.js';
import { createLogger } from '../../dist/logging.js';
import { corpus } from './_corpus.mjs';
import { POSTGRES_URL as PG_URL, REDIS_URL, dropSchemas, inSchema, postgresReachable } from './_services.mjs';
import { fmt, printTable, summary } from './_util.mjs';

const KEYS = 300;
const SIZE = 10_000;
const NAMESPACE = 'bench';
const prefix = `tmws_bench_${process.pid}`;
const schema = `tmws_bench_cache_${process.pid}`;

const redis = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null });
redis.on('error', () => undefined);
try {
  await redis.connect();
} catch {
  console.log(`skipped: no Redis at ${REDIS_URL} (set TMWS_BENCH_REDIS_URL)`);
  process.exit(0);
}

const logger = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'tmws-bench-'));
const usePostgres = await postgresReachable();
const databaseUrl = usePostgres ? inSchema(PG_URL, schema) : join(dir, 'cache.db');
const common = { databaseUrl, logger, recordExecutions: false };
const context = { agentId: 'bench-agent', namespace: NAMESPACE };
// Distinct keys: the same read by different agents (the memories are team-visible, so the work is the same).
const run = (engine, i, options = {}) =>
  engine.execute('recall security patterns', { context: { ...context, agentId: `bench-agent-${i}` }, ...options });

async function timed(fn, n) {
  const durations = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const result = await fn(i);
    durations.push({ ms: performance.now() - started, result });
  }
  return durations;
}

function row(label, samples, expectTier) {
  const wrong = samples.filter((s) =>
    expectTier ? s.result.metadata.cacheTier !== expectTier : s.result.cacheHit,
  ).length;
  const s = summary(samples.map((x) => x.ms).sort((a, b) => a - b));
  return [label, fmt(s.p50), fmt(s.p95), wrong === 0 ? '' : `${wrong} off-tier`];
}

try {
  const a = await createPatternExecutionEngine({ ...common, redisUrl: REDIS_URL, redisKeyPrefix: prefix });
  const b = await createPatternExecutionEngine({ ...common, redisUrl: REDIS_URL, redisKeyPrefix: prefix });
  const local = await createPatternExecutionEngine({ ...common, databaseUrl: join(dir, 'local.db') });
  await a.importMemories(corpus(SIZE, { namespace: NAMESPACE }));
  await local.importMemories(corpus(SIZE, { namespace: NAMESPACE }));

  for (let i = 0; i < 20; i++) await run(a, KEYS + 1000 + i); // warm connections and JIT
  // Interleaved, alternating which goes first, so both see the same table state (reads
  // update access counts as they go).
  const uncached = [];
  const miss = [];
  for (let i = 0; i < KEYS; i++) {
    const measureUncached = async () => uncached.push(...(await timed(() => run(a, i, { useCache: false }), 1)));
    const measureMiss = async () => miss.push(...(await timed(() => run(a, i), 1))); // a computes, fills L1 + L2
    if (i % 2 === 0) await measureUncached().then(measureMiss);
    else await measureMiss().then(measureUncached);
  }
  const l2 = await timed((i) => run(b, i), KEYS); // b's first read of each key
  const l1 = await timed((i) => run(b, i), KEYS); // b again
  await timed((i) => run(local, i), KEYS);
  const localL1 = await timed((i) => run(local, i), KEYS);

  console.log(
    `recall over ${SIZE} memories in ${usePostgres ? 'PostgreSQL' : 'SQLite'}, ${KEYS} distinct keys, ms per execution`,
  );
  printTable(
    ['path', 'p50', 'p95', 'check'],
    [
      row('uncached execution (baseline)', uncached),
      row('miss: compute + fill L1 and L2', miss),
      row('L2 hit (filled by another instance)', l2, 'l2'),
      row('L1 hit (tiered cache)', l1, 'l1'),
      row('L1 hit (no Redis configured)', localL1, 'l1'),
    ],
  );
  await Promise.all([a.close(), b.close(), local.close()]);
} finally {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
  if (usePostgres) await dropSchemas(PG_URL, [schema]);
}
