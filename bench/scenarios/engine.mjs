// Engine latency on the embedded SQLite store at 10,000 and 100,000 memories: execute()
// without the cache per pattern type beside the seed's targets, cache hits beside misses,
// and the process's resident memory. Run: npm run bench -- engine
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPatternExecutionEngine } from '../../dist/index.js';
import { fmt, mib, printTable, summary, timeAsync } from './_util.mjs';

const SIZES = [10_000, 100_000];
const ITERATIONS = 300;
/** The seed guide's p50 / p95 targets in milliseconds. */
const SEED_TARGETS = { infrastructure: [25, 50], memory: [50, 100], hybrid: [100, 200] };

// A deterministic generator, so every run measures the same data.
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = (list) => list[Math.floor(random() * list.length)];

const TOPICS = [
  'security',
  'performance',
  'database',
  'caching',
  'deployment',
  'auth',
  'logging',
  'billing',
  'search',
  'queue',
];
const VERBS = [
  'use',
  'prefer',
  'avoid',
  'tune',
  'rotate',
  'index',
  'shard',
  'retry',
  'batch',
  'monitor',
  'profile',
  'cache',
];
const NOUNS = Array.from({ length: 2000 }, (_, i) => `term${i.toString(36)}`).concat([
  'pgbouncer',
  'connection',
  'pooling',
  'latency',
  'tokens',
  'sessions',
  'keys',
  'replicas',
  'timeouts',
  'migrations',
]);
const TAGS = [...TOPICS, 'decision', 'incident', 'runbook', 'optimization', 'review'];

function memory(i) {
  const topic = pick(TOPICS);
  const words = Array.from({ length: 8 + Math.floor(random() * 12) }, () => pick(NOUNS));
  return {
    namespace: 'default',
    agentId: i % 4 === 0 ? 'other-agent' : 'default',
    accessLevel: i % 4 === 0 ? 'team' : 'private',
    content: `${topic}: ${pick(VERBS)} ${words.join(' ')} (#${i})`,
    tags: [topic, pick(TAGS)],
    importance: Math.round(random() * 100) / 100,
    createdAt: Date.now() - Math.floor(random() * 90 * 86_400_000),
  };
}

const QUERIES = {
  infrastructure: () =>
    pick(['check health', 'check database health', 'calculate 2 + 3 * 4', 'compute (10 - 4) / 3', 'list patterns']),
  memory: () =>
    pick([
      () => `recall ${pick(TOPICS)} ${pick(NOUNS)}`,
      () => `recall items tagged ${pick(TAGS)}`,
      () => `get memories with importance above 0.9${Math.floor(random() * 10)}`,
      () => `recall ${pick(NOUNS)} ${pick(NOUNS)}`,
    ])(),
  hybrid: () =>
    pick([
      () => `find similar to ${pick(VERBS)} ${pick(NOUNS)} ${pick(NOUNS)}`,
      () => `analyze ${pick(TOPICS)} ${pick(NOUNS)}`,
      () => `compare ${pick(TOPICS)} and ${pick(TOPICS)}`,
      () => `recent ${pick(TOPICS)} decisions`,
    ])(),
};

const dir = mkdtempSync(join(tmpdir(), 'tmws-bench-'));
const engine = await createPatternExecutionEngine({
  databaseUrl: join(dir, 'bench.db'),
  recordExecutions: false,
  maxLocalSize: 10_000,
});
try {
  let stored = 0;
  for (const size of SIZES) {
    const started = performance.now();
    for (; stored < size; stored += 5000) {
      await engine.importMemories(Array.from({ length: 5000 }, (_, j) => memory(stored + j)));
    }
    const importSeconds = (performance.now() - started) / 1000;
    console.log(`\n${size.toLocaleString()} memories (import ${fmt(importSeconds, 1)} s)`);

    const rows = [];
    const missP50 = {};
    for (const [type, next] of Object.entries(QUERIES)) {
      const queries = Array.from({ length: ITERATIONS + 50 }, next);
      const sorted = await timeAsync((i) => engine.execute(queries[i % queries.length], { useCache: false }), {
        iterations: ITERATIONS,
      });
      const s = summary(sorted);
      missP50[type] = s.p50;
      const [t50, t95] = SEED_TARGETS[type];
      rows.push([type, fmt(s.p50), fmt(s.p95), fmt(s.p99), `${t50} / ${t95}`, `${Math.round(t95 / s.p95)}×`]);
    }
    printTable(['execute, no cache', 'p50 ms', 'p95 ms', 'p99 ms', 'seed p50/p95 ms', 'headroom at p95'], rows);

    const hitRows = [];
    for (const [type, next] of Object.entries(QUERIES)) {
      const queries = Array.from({ length: 50 }, next);
      for (const q of queries) await engine.execute(q); // fill the cache
      const sorted = await timeAsync((i) => engine.execute(queries[i % queries.length]), {
        iterations: 2000,
        warmup: 200,
      });
      const s = summary(sorted);
      hitRows.push([type, fmt(s.p50, 4), fmt(s.p99, 4), fmt(missP50[type]), `${Math.round(missP50[type] / s.p50)}×`]);
    }
    printTable(['cache hit', 'p50 ms', 'p99 ms', 'miss p50 ms', 'speedup'], hitRows);
  }
} finally {
  await engine.close();
}
try {
  // Resident memory is measured in fresh processes serving 1,200 mixed queries from the
  // 100,000-memory file, once with V8's defaults and once with the flags the bin sets.
  const rows = [];
  for (const flags of [[], ['bin-flags']]) {
    const probe = spawnSync(
      process.execPath,
      ['--expose-gc', new URL('./_rss-probe.mjs', import.meta.url).pathname, join(dir, 'bench.db'), ...flags],
      { encoding: 'utf8' },
    );
    const m = JSON.parse(probe.stdout);
    rows.push([
      flags.length === 0 ? 'node defaults' : "the bin's (young generation kept small)",
      mib(m.after),
      mib(m.after - m.before),
      mib(m.external),
      mib(m.heapUsed),
      mib(m.heapReserved),
    ]);
  }
  console.log('\nresident memory serving 100,000 memories (budget: 64 MiB over the start, everything in)');
  printTable(
    ['process', 'RSS MiB', 'overhead MiB', 'of which vectors+buffers', 'JS heap used', 'V8 heap reserve'],
    rows,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
