// Fairness under one agent's flood: agent `flood` searches memories over 200 connections
// (autocannon, in a process of its own) while agent `other` searches one request at a time;
// the other agent's latency is compared with its latency alone, on servers with the
// per-agent concurrency cap off (as before it existed), on (queueing), and refusing instead
// of queueing, with the rate limit off (every search runs) and at its default, all in the same
// run. Loopback only; each flood lasts BENCH_FAIRNESS_SECONDS (default 8).
// Run: npm run bench -- fairness
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { percentile, printTable } from './_util.mjs';

const FLOOD_SECONDS = Number(process.env.BENCH_FAIRNESS_SECONDS ?? 8);
const FLOOD_CONNECTIONS = 200;
const MEMORIES_PER_AGENT = 2000;
const ALONE_REQUESTS = 300;
/** The other agent's requests during the flood's first second are not counted (autocannon ramps up). */
const RAMP_MS = 1000;
// Random, so the server's weak-secret check accepts them.
const KEYS = { flood: 'tmws_Fl00d-9qXv2LmT7pR4wZ8nK3sB6yH1dC5', other: 'tmws_0ther-4kGm8ZqW2tN6vX1pL9rC3yB7hD5' };
const SEARCH = { query: 'security audit', limit: 10 };
// `concurrency`: null = no cap (as before the cap existed), 'default' = the server's default
// (4 running, 256 waiting per agent), or a { running, waiting } of its own; `rateLimit`: null =
// none, 'default' = the server's default (1200/60 per agent).
const CONFIGS = [
  { name: 'no cap, no rate limit', concurrency: null, rateLimit: null },
  { name: 'cap 4/256 (default), no rate limit', concurrency: 'default', rateLimit: null },
  { name: 'cap 4/0 (refuse, no queue), no rate limit', concurrency: { running: 4, waiting: 0 }, rateLimit: null },
  { name: 'no cap, default rate limit', concurrency: null, rateLimit: 'default' },
  { name: 'cap 4/256 (default), default rate limit', concurrency: 'default', rateLimit: 'default' },
];

const role = process.argv[2];
if (role === '--serve') await serve(JSON.parse(process.argv[3]));
else if (role === '--flood') await flood(Number(process.argv[3]));
else await measure();

/** A server with both agents' keys and memories, on a free loopback port reported to the parent. */
async function serve(config) {
  const { createPatternExecutionEngine } = await import('../../dist/index.js');
  const { createHttpService, hashApiKey } = await import('../../dist/server.js');
  const { pino } = await import('pino');
  const logger = pino({ level: 'silent' });
  const engine = await createPatternExecutionEngine({ databaseUrl: ':memory:', logger });
  const topics = ['security', 'performance', 'database', 'caching', 'deployment', 'audit', 'logging', 'billing'];
  for (const agent of Object.keys(KEYS)) {
    const scope = { namespace: agent, agentId: agent };
    for (let i = 0; i < MEMORIES_PER_AGENT; i++) {
      const topic = topics[i % topics.length];
      await engine.storeMemory(scope, {
        content: `${topic} note ${i}: rotate keys, audit access, patch ${i % 7 === 0 ? 'kernel' : 'libraries'}`,
        tags: [topic],
      });
    }
  }
  const apiKeys = Object.entries(KEYS).map(([agent, key]) => ({
    id: agent,
    sha256: hashApiKey(key),
    agentId: agent,
    namespace: agent,
    role: 'agent',
  }));
  const app = await createHttpService({
    engine,
    auth: { apiKeys, jwt: undefined },
    ...(config.rateLimit === null && { rateLimit: null }),
    ...(config.concurrency !== 'default' && { agentConcurrency: config.concurrency }),
    logger,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.send({ port: app.server.address().port });
  await once(process, 'disconnect');
  await app.close();
  await engine.close();
}

/** The flooding agent: autocannon, reporting its counts when done. */
async function flood(port) {
  const { default: autocannon } = await import('autocannon');
  process.send({ started: true });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/memories/search`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.flood}` },
    body: JSON.stringify(SEARCH),
    connections: FLOOD_CONNECTIONS,
    duration: FLOOD_SECONDS,
  });
  process.send({
    requests: result.requests.total,
    ok: result['2xx'],
    refused: result.non2xx,
    errors: result.errors + result.timeouts,
  });
  process.disconnect();
}

/** The other agent, one request at a time; its durations in ms, sorted, and how many failed. */
async function searchAsOther(port, { count = Infinity, until = Infinity, from = 0 }) {
  const durations = [];
  let failed = 0;
  for (let i = 0; i < count && Date.now() < until; i++) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/memories/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.other}` },
      body: JSON.stringify(SEARCH),
    });
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) failed++;
    else if (Date.now() >= from) durations.push(elapsed);
  }
  return { durations: durations.sort((a, b) => a - b), failed };
}

async function measure() {
  const loadBefore = loadavg();
  const rows = [];
  for (const config of CONFIGS) {
    const server = fork(new URL(import.meta.url).pathname, ['--serve', JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [{ port }] = await once(server, 'message');
    await searchAsOther(port, { count: 50 }); // warm-up: JIT, statements prepared
    const alone = await searchAsOther(port, { count: ALONE_REQUESTS });

    const flooder = fork(new URL(import.meta.url).pathname, ['--flood', String(port)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await once(flooder, 'message');
    const started = Date.now();
    const during = await searchAsOther(port, {
      from: started + RAMP_MS,
      until: started + FLOOD_SECONDS * 1000 - 200,
    });
    const [floodCounts] = await once(flooder, 'message');
    server.disconnect();
    await once(server, 'exit');

    const p = (sorted, q) => (sorted.length === 0 ? '—' : percentile(sorted, q).toFixed(1));
    rows.push([
      config.name,
      p(alone.durations, 0.5),
      p(alone.durations, 0.95),
      p(during.durations, 0.5),
      p(during.durations, 0.95),
      `${during.durations.length}${during.failed > 0 ? ` (+${during.failed} refused)` : ''}`,
      Math.round(floodCounts.ok / FLOOD_SECONDS).toLocaleString('en-US'),
      Math.round(floodCounts.refused / FLOOD_SECONDS).toLocaleString('en-US'),
      floodCounts.errors,
    ]);
  }
  console.log(
    `other agent: one search at a time (${SEARCH.limit} of ${MEMORIES_PER_AGENT} memories); flood: ${FLOOD_CONNECTIONS} connections of the same search from one key for ${FLOOD_SECONDS} s (first ${RAMP_MS} ms not counted); loopback, three processes; load average before: ${loadBefore.map((l) => l.toFixed(1)).join(' ')}`,
  );
  printTable(
    [
      'server',
      'alone p50 ms',
      'alone p95 ms',
      'flood p50 ms',
      'flood p95 ms',
      'other requests',
      'flood ok/s',
      'flood refused/s',
      'flood errors',
    ],
    rows,
  );
}
