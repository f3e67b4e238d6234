// Resident memory of a process that serves a mixed workload from an existing database:
// run by engine.mjs in a fresh process, so import garbage does not count. Prints JSON.
import { keepYoungGenerationSmall } from '../../dist/cli/heap-flags.js';
import { createPatternExecutionEngine } from '../../dist/index.js';

// As the bin does at its start, when asked to (engine.mjs compares both).
if (process.argv[3] === 'bin-flags') keepYoungGenerationSmall();

const QUERIES = [
  (i) => `recall security term${i.toString(36)}`,
  () => 'recall items tagged review',
  (i) => `find similar to rotate term${i.toString(36)}`,
  (i) => `analyze auth term${i.toString(36)}`,
  () => 'compare security and billing',
  () => 'recent auth decisions',
];

const sample = () => {
  global.gc();
  return process.memoryUsage();
};
const before = sample();
const engine = await createPatternExecutionEngine({ databaseUrl: process.argv[2], recordExecutions: false });
for (let i = 0; i < 1200; i++) await engine.execute(QUERIES[i % QUERIES.length](i), { useCache: i % 2 === 0 });
const after = sample();
await engine.close();
console.log(
  JSON.stringify({
    before: before.rss,
    after: after.rss,
    heapUsed: after.heapUsed - before.heapUsed,
    heapReserved: after.heapTotal - before.heapTotal,
    external: after.external - before.external,
  }),
);
