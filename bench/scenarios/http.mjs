// HTTP throughput and latency over loopback (autocannon): bare Fastify POST routes that
// parse JSON, beside POST /api/v1/pattern/execute cached and uncached, all served by one
// child process in the same run, with API-key auth, rate limiting, audit and metrics on.
// Each execute target is compared with a bare route sending the same reply (the bytes of a
// cached calculation, of a recall of ten memories ~5.6 KB), since writing the body is most
// of what a cache hit costs; a tiny reply is printed too. One more target runs the cached
// calculation on the same service without the per-agent concurrency cap (16 connections of
// one agent: the cap lets 4 run at once), which is what the cap costs an agent alone.
// Run: npm run bench:http
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { printTable } from './_util.mjs';

const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 8);
const CONNECTIONS = 16;
const ROUNDS = 4;
const MEMORIES = 500;
// Random, so the server's weak-secret check (issue 8) accepts it.
const API_KEY = 'tmws_4UL4cG-5izuMr5DIGpZTWirohQgXrEP3';
const RECALL = 'recall security patterns';
const CALCULATION = 'calculate (2 + 3) * 4';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (process.argv.includes('--serve')) await serve();
else await measure();

/** The child: both servers on free loopback ports, reported to the parent. */
async function serve() {
  const { default: Fastify } = await import('fastify');
  const { createPatternExecutionEngine } = await import('../../dist/index.js');
  const { createHttpService, hashApiKey } = await import('../../dist/server.js');
  const { pino } = await import('pino');

  const bare = Fastify();
  const replies = {};
  bare.post('/bare', async (request) => ({ ok: true, query: request.body.query }));
  bare.post('/bare-calculation', async () => replies.calculation);
  bare.post('/bare-recall', async () => replies.recall);
  await bare.listen({ host: '127.0.0.1', port: 0 });

  const engine = await createPatternExecutionEngine({ databaseUrl: ':memory:', logger: pino({ level: 'silent' }) });
  const scope = { namespace: 'bench', agentId: 'bench' };
  const topics = [
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
  for (let i = 0; i < MEMORIES; i++) {
    const topic = topics[i % topics.length];
    await engine.storeMemory(scope, {
      content: `${topic} note ${i}: rotate keys, audit access, patch ${i % 7 === 0 ? 'kernel' : 'libraries'}`,
      tags: [topic, `group-${i % 7}`],
      importance: (i % 10) / 10,
    });
  }
  const app = await createHttpService({
    engine,
    auth: { apiKeys: [{ id: 'bench', sha256: hashApiKey(API_KEY), ...scope, role: 'agent' }], jwt: undefined },
    // High enough never to refuse, so the limiter's cost is measured and not its refusals.
    rateLimit: { requests: 1_000_000_000, perSeconds: 60 },
    logger: pino({ level: 'silent' }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  // The same service without the per-agent concurrency cap: what the cap costs one agent alone.
  const uncapped = await createHttpService({
    engine,
    auth: { apiKeys: [{ id: 'bench', sha256: hashApiKey(API_KEY), ...scope, role: 'agent' }], jwt: undefined },
    rateLimit: { requests: 1_000_000_000, perSeconds: 60 },
    agentConcurrency: null,
    logger: pino({ level: 'silent' }),
  });
  await uncapped.listen({ host: '127.0.0.1', port: 0 });
  const reply = async (query) =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/v1/pattern/execute',
        headers: { authorization: `Bearer ${API_KEY}` },
        payload: { query },
      })
    ).json();
  replies.calculation = await reply(CALCULATION);
  replies.recall = await reply(RECALL);
  process.send({
    bare: bare.server.address().port,
    service: app.server.address().port,
    uncapped: uncapped.server.address().port,
  });
  await once(process, 'disconnect');
  await app.close();
  await uncapped.close();
  await bare.close();
  await engine.close();
}

/** The parent: drives each target with autocannon and prints the table. */
async function measure() {
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ports] = await once(child, 'message');
  const loadBefore = loadavg();
  const json = { 'content-type': 'application/json' };
  const authed = { ...json, authorization: `Bearer ${API_KEY}` };
  const bare = (path, body) => ({ url: `http://127.0.0.1:${ports.bare}${path}`, headers: json, body });
  const execute = (body, port = ports.service) => ({
    url: `http://127.0.0.1:${port}/api/v1/pattern/execute`,
    headers: authed,
    body,
  });
  const options = (target) => ({
    url: target.url,
    method: 'POST',
    headers: target.headers,
    body: JSON.stringify(target.body),
    connections: CONNECTIONS,
  });
  const targets = [
    { name: 'bare POST, tiny reply', ...bare('/bare', { query: RECALL }) },
    { name: 'bare POST, calculation-sized reply', ...bare('/bare-calculation', { query: CALCULATION }) },
    { name: 'execute cached: calculation', ...execute({ query: CALCULATION }) },
    { name: 'execute uncached: calculation', ...execute({ query: CALCULATION, use_cache: false }) },
    { name: 'execute cached: calculation, no agent cap', ...execute({ query: CALCULATION }, ports.uncapped) },
    { name: 'bare POST, recall-sized reply', ...bare('/bare-recall', { query: RECALL }) },
    { name: 'execute cached: recall, 10 memories', ...execute({ query: RECALL }) },
    { name: 'execute uncached: recall, 10 memories', ...execute({ query: RECALL, use_cache: false }) },
  ];
  // Rounds interleave the targets, so a change in the machine's background load during the
  // run falls on every target alike; each figure is the median over the rounds.
  const results = targets.map(() => []);
  for (const target of targets) await autocannon({ ...options(target), duration: 1 }); // warm-up: JIT, cache filled
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) {
      const result = await autocannon({ ...options(target), duration: DURATION_S / ROUNDS });
      const failures = result.non2xx + result.errors + result.timeouts;
      if (failures > 0) throw new Error(`${target.name}: ${failures} failed requests`);
      results[i].push(result);
    }
  }
  const rows = [];
  let baseline;
  for (const [i, target] of targets.entries()) {
    const rounds = results[i];
    const rps = median(rounds.map((r) => r.requests.average));
    // Each group is compared with its own bare baseline (the row that starts it).
    if (target.name.startsWith('bare')) baseline = rps;
    const total = rounds.reduce((sum, r) => sum + r.requests.total, 0);
    rows.push([
      target.name,
      Math.round(rps).toLocaleString('en-US'),
      `${((rps / baseline) * 100).toFixed(0)} %`,
      median(rounds.map((r) => r.latency.p50)).toFixed(2),
      median(rounds.map((r) => r.latency.p99)).toFixed(2),
      total.toLocaleString('en-US'),
      Math.round(rounds.reduce((sum, r) => sum + r.throughput.total, 0) / total).toLocaleString('en-US'),
    ]);
  }
  child.disconnect();
  await once(child, 'exit');
  console.log(
    `${CONNECTIONS} connections, ${DURATION_S} s per target in ${ROUNDS} interleaved rounds (medians), loopback; ${MEMORIES} memories; auth, rate limit, audit and metrics on; load average before: ${loadBefore.map((l) => l.toFixed(1)).join(' ')}`,
  );
  printTable(['target', 'req/s', 'vs bare', 'p50 ms', 'p99 ms', 'requests', 'bytes/reply'], rows);
}
