// Pattern matching at scale: uncached PatternRegistry.match against a plain priority-ordered
// V8 RegExp loop over the same patterns and queries, measured side by side in this run.
// Two workloads: realistic intent-shaped triggers at 100, 1,000 and 10,000 patterns, and the
// dense workload of issue 11 (10,000 triggers over a 3,000-word vocabulary).
import { PatternDefinition, PatternRegistry } from '../../dist/index.js';
import { denseSet, realisticSet } from './_matching-sets.mjs';
import { fmt, printTable, summary } from './_util.mjs';

const QUERIES = 2_000;

/**
 * Times every query `rounds` times. Besides the raw percentiles, reports the percentiles of
 * each query's fastest round: on a shared 2-core machine the raw p99 is mostly other
 * processes preempting this one, while the best-of-rounds p99 is the matcher's own tail.
 */
function timePerQuery(queries, fn, rounds) {
  // Steady state: each trigger compiles on its first candidacy, once per process.
  for (const q of queries) fn(q);
  const samples = [];
  const best = new Float64Array(queries.length).fill(Infinity);
  let hits = 0;
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    queries.forEach((q, i) => {
      const start = performance.now();
      if (fn(q)) hits++;
      const elapsed = performance.now() - start;
      samples.push(elapsed);
      if (elapsed < best[i]) best[i] = elapsed;
    });
  }
  const own = summary(Array.from(best).sort((a, b) => a - b));
  return { ...summary(samples.sort((a, b) => a - b)), ownP50: own.p50, ownP99: own.p99, hits: hits / rounds };
}

/** Builds the definitions and registers them, timing both, then times match and the plain loop. */
function measure(configs, queries, loopSample) {
  globalThis.gc?.();
  let start = performance.now();
  const definitions = configs.map((c) => PatternDefinition.fromConfig(c));
  const defineMs = performance.now() - start;
  const registry = new PatternRegistry([], { matchCacheSize: 0 });
  start = performance.now();
  registry.registerBatch(definitions);
  registry.match('warm the index');
  const registerMs = performance.now() - start;

  const ordered = registry.list().map((p) => new RegExp(p.triggerPattern, 'i'));
  const plainLoop = (q) => {
    for (const regex of ordered) if (regex.test(q)) return true;
    return false;
  };
  const indexed = timePerQuery(queries, (q) => registry.match(q) !== null, 5);
  const loop = timePerQuery(queries.slice(0, loopSample), plainLoop, 2);
  const single = timeSingleRegister(registry, configs[0]);
  return { defineMs, registerMs, indexed, loop, single, stats: registry.stats().index };
}

/** A single register and unregister on the full registry, each followed by a match (the index is incremental). */
function timeSingleRegister(registry, template) {
  const samples = [];
  for (let i = 0; i < 20; i++) {
    const definition = PatternDefinition.fromConfig({ ...template, name: `extra_${i}` });
    const start = performance.now();
    registry.register(definition);
    registry.match('warm the index');
    registry.unregister(definition.name);
    registry.match('warm the index');
    samples.push(performance.now() - start);
  }
  return summary(samples.sort((a, b) => a - b));
}

const us = (ms) => `${fmt(ms * 1000, 1)} µs`;
const ms = (value) => `${fmt(value, 1)} ms`;
const ratio = (a, b) => `${fmt(a / b, 0)}×`;

const realistic = [];
for (const size of [100, 1_000, 10_000]) {
  const { configs, queries } = realisticSet(size, QUERIES);
  const m = measure(configs, queries, size >= 10_000 ? 300 : 1000);
  realistic.push([
    size,
    us(m.indexed.p50),
    us(m.indexed.p99),
    us(m.indexed.ownP99),
    us(m.loop.p50),
    ratio(m.loop.p50, m.indexed.p50),
    ratio(m.loop.mean, m.indexed.mean),
    `${Math.round((m.indexed.hits / queries.length) * 100)} %`,
    ms(m.defineMs),
    ms(m.registerMs),
    ms(m.defineMs + m.registerMs),
    us(m.single.p50),
    `${m.stats.literals} / ${m.stats.alwaysChecked}`,
  ]);
}
console.log(`Realistic intent-shaped triggers, uncached match over ${QUERIES} queries (70 % written to match)`);
printTable(
  [
    'patterns',
    'match p50',
    'match p99',
    'own p99',
    'RegExp loop p50',
    'speedup p50',
    'speedup mean',
    'matched',
    'fromConfig',
    'registerBatch',
    'build+register',
    'register+unregister',
    'literals / always',
  ],
  realistic,
);

const { configs, queries } = denseSet(10_000, QUERIES);
const d = measure(configs, queries, 300);
console.log(`\nDense workload: 10,000 triggers over a 3,000-word vocabulary, ${QUERIES} queries of 8–13 words`);
printTable(
  [
    'match p50',
    'match p99',
    'own p99',
    'RegExp loop p50',
    'RegExp loop p99',
    'speedup p50',
    'matched',
    'fromConfig',
    'registerBatch',
    'build+register',
    'register+unregister',
  ],
  [
    [
      us(d.indexed.p50),
      us(d.indexed.p99),
      us(d.indexed.ownP99),
      us(d.loop.p50),
      us(d.loop.p99),
      ratio(d.loop.p50, d.indexed.p50),
      `${Math.round((d.indexed.hits / queries.length) * 100)} %`,
      ms(d.defineMs),
      ms(d.registerMs),
      ms(d.defineMs + d.registerMs),
      us(d.single.p50),
    ],
  ],
);
console.log(
  "own p99: p99 of each query's fastest of 5 rounds (scheduler noise removed). register+unregister: one of each, " +
    'each followed by a match, on the full registry (p50 of 20).',
);
console.log('Targets at 10,000 patterns: dense p99 < 50 µs, ≥ 50× the RegExp loop at p50, build+register < 1 s.');
