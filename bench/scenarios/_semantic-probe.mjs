// Run by semantic.mjs in a fresh process: opens an existing database with one embedder, times
// the first semantic query (model load included), then resident memory after 40 more. Prints JSON.
import { pino } from 'pino';
import { createPatternExecutionEngine } from '../../dist/index.js';

const [databaseUrl, embedder] = process.argv.slice(2);
const context = { namespace: 'bench', agentId: 'bench-agent', limit: 10 };
const started = performance.now();
const engine = await createPatternExecutionEngine({
  databaseUrl,
  embedder,
  recordExecutions: false,
  logger: pino({ level: 'silent' }),
});
const opened = performance.now();
await engine.execute('recall deploy caching', { context, useCache: false });
const lexical = performance.now();
await engine.execute('search for slow database queries after the upgrade', { context, useCache: false });
const first = performance.now();
for (let i = 0; i < 40; i++)
  await engine.execute(`search for latency problem number ${i}`, { context, useCache: false });
global.gc?.();
const rss = process.memoryUsage().rss;
await engine.close();
console.log(
  JSON.stringify({ openMs: opened - started, lexicalMs: lexical - opened, firstSemanticMs: first - lexical, rss }),
);
