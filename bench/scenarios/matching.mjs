// Pattern matching at scale: registers 100, 1,000 and 10,000 intent-shaped triggers and
// measures uncached PatternRegistry.match against two plain priority-ordered loops over the
// same patterns and queries: V8 RegExp.test (what a naive service does) and RE2 exec (what
// the registry did before the literal index).
import { PatternDefinition, PatternRegistry } from '../../dist/index.js';
import { fmt, printTable, summary } from './_util.mjs';

const SIZES = [100, 1_000, 10_000];
const QUERIES = 2_000;

// Deterministic PRNG so every run measures the same sets.
let seed = 0x9e3779b9;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const VERBS = (
  'show list get find fetch check run start stop restart deploy release rollback build test scan ' +
  'analyze summarize compare export import sync backup restore archive delete create update open ' +
  'close assign escalate approve reject notify schedule cancel pause resume count measure rotate ' +
  'renew revoke grant audit trace profile inspect validate migrate provision scale drain promote'
).split(' ');
const SYLLABLES = 'ka lo mi ser tan vo dre pel qui zor ban fel gri hun jas mor tek vin'.split(' ');
const REAL_NOUNS = (
  'invoice ticket incident alert service cluster node queue bucket report dashboard user account ' +
  'order payment refund shipment build pipeline release branch commit certificate secret token ' +
  'database table index cache session job cron metric log trace budget forecast contract lead'
).split(' ');
// Product and component names make most triggers specific, as in a real deployment.
const NAMES = Array.from({ length: 900 }, () => pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES));
const FILLERS = 'please the all my our latest current for on in with about now today quickly'.split(' ');

/** One trigger and a query it is meant to match. */
function intent() {
  const [v1, v2] = [pick(VERBS), pick(VERBS)];
  const [noun, name, other] = [pick(REAL_NOUNS), pick(NAMES), pick(NAMES)];
  switch (Math.floor(random() * 6)) {
    case 0:
      return [String.raw`\b(?:${v1}|${v2})\s+(?:the\s+)?${name}\s+${noun}s?\b`, `${v2} the ${name} ${noun}s`];
    case 1:
      return [String.raw`\b${v1}\s+(?:all\s+)?${noun}s?\s+(?:for|in|on)\s+${name}\b`, `${v1} all ${noun}s for ${name}`];
    case 2:
      return [String.raw`\b${v1}\b.*\b${name}\b.*\b${noun}\b`, `${v1} what ${name} did with the ${noun}`];
    case 3:
      return [String.raw`^(?:please\s+)?${v1}\s+${name}(?:\s+${other})?$`, `please ${v1} ${name} ${other}`];
    case 4:
      return [
        String.raw`\b${v1}\s+${name}[-_]?(?:${noun}|${pick(REAL_NOUNS)})\s+(?<target>[\w-]+)`,
        `${v1} ${name}-${noun} ${other}`,
      ];
    default:
      return [
        String.raw`\b(?:${name}|${other})\s+(?:${noun}\s+)?(?:${v1}|${v2})(?:ed|ing)?\b`,
        `${other} ${noun} ${v2}ing`,
      ];
  }
}

function wordSoup() {
  const words = [];
  const length = 3 + Math.floor(random() * 8);
  for (let i = 0; i < length; i++) {
    words.push(pick([VERBS, REAL_NOUNS, NAMES, FILLERS, FILLERS])[Math.floor(random() * 30)] ?? pick(FILLERS));
  }
  return words.join(' ');
}

function buildSet(size) {
  const configs = [];
  const matching = [];
  for (let i = 0; i < size; i++) {
    const [trigger, query] = intent();
    configs.push({
      name: `intent_${i}`,
      pattern_type: pick(['infrastructure', 'memory', 'hybrid']),
      trigger_pattern: trigger,
      cost_tokens: 50,
      priority: 1 + Math.floor(random() * 10),
    });
    matching.push(query);
  }
  const queries = Array.from({ length: QUERIES }, (_, i) => (i % 10 < 7 ? pick(matching) : wordSoup()));
  return { configs, queries };
}

/**
 * Times every query `rounds` times. Besides the raw percentiles, reports the percentiles of
 * each query's fastest round: on a shared 2-core machine the raw p99 is mostly other
 * processes preempting this one, while the best-of-rounds p99 is the matcher's own tail.
 */
function timePerQuery(queries, fn, rounds) {
  // Steady state: RE2 builds each regex's automaton on first use (~0.1-0.3 ms), once per process.
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

const us = (ms) => `${fmt(ms * 1000, 1)} µs`;
const rows = [];
const registration = [];
for (const size of SIZES) {
  const { configs, queries } = buildSet(size);

  let start = performance.now();
  const definitions = configs.map((c) => PatternDefinition.fromConfig(c));
  const defineMs = performance.now() - start;
  const registry = new PatternRegistry([], { matchCacheSize: 0 });
  start = performance.now();
  registry.registerBatch(definitions);
  registry.match('warm the index');
  const registerMs = performance.now() - start;
  const stats = registry.stats().index;
  registration.push([size, `${fmt(defineMs, 1)} ms`, `${fmt(registerMs, 1)} ms`, stats.literals, stats.alwaysChecked]);

  const ordered = registry.list();
  const v8 = ordered.map((p) => new RegExp(p.triggerPattern, 'i'));
  const plainV8 = (q) => {
    for (const regex of v8) if (regex.test(q)) return true;
    return false;
  };
  const plainRe2 = (q) => {
    for (const p of ordered) if (p.trigger.exec(q)) return true;
    return false;
  };
  const noop = timePerQuery(queries, (q) => q.length > 0, 5);
  const indexed = timePerQuery(queries, (q) => registry.match(q) !== null, 5);
  // The plain loops are slow at scale: time them on a fixed sample of the same queries.
  const sample = queries.slice(0, size >= 10_000 ? 300 : 1000);
  const loopV8 = timePerQuery(sample, plainV8, 2);
  const loopRe2 = timePerQuery(sample.slice(0, 200), plainRe2, 1);
  rows.push([
    size,
    us(indexed.p50),
    us(indexed.p99),
    us(indexed.ownP99),
    us(noop.p99),
    us(loopV8.p50),
    us(loopV8.p99),
    `${fmt(loopV8.p50 / indexed.p50, 0)}×`,
    `${fmt(loopV8.mean / indexed.mean, 0)}×`,
    us(loopRe2.p50),
    `${fmt(loopRe2.mean / indexed.mean, 0)}×`,
    `${Math.round((indexed.hits / queries.length) * 100)} %`,
  ]);
}

console.log(`Registration (fromConfig = zod + RE2 compile + literal analysis; registerBatch includes the index build)`);
printTable(['patterns', 'fromConfig', 'registerBatch', 'index literals', 'always-checked'], registration);
console.log(`\nUncached match over ${QUERIES} queries (70 % written to match a trigger, 30 % word soup)`);
printTable(
  [
    'patterns',
    'match p50',
    'match p99',
    'own p99',
    'timer p99',
    'RegExp loop p50',
    'RegExp loop p99',
    'speedup p50',
    'speedup mean',
    'RE2 loop p50',
    'vs RE2 mean',
    'matched',
  ],
  rows,
);
console.log(
  "own p99: p99 of each query's fastest of 5 rounds (scheduler noise removed); timer p99: the same harness around an empty call.",
);
console.log('Targets at 10,000 patterns: p99 < 50 µs, ≥ 50× the RegExp loop, registerBatch < 1 s.');
