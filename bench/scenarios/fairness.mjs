// Fairness under one agent's flood: agent `flood` searches memories over 200 connections
// (autocannon, in a process of its own) while agent `other` searches one request at a time;
// the other agent's latency is compared with its latency alone, on servers with the
// per-agent concurrency cap off (as before it existed), on (queueing), and refusing instead
// of queueing, with the rate limit off (every search runs) and at its default, all in the same
// run, in interleaved rounds. Loopback only; each flood lasts BENCH_FAIRNESS_SECONDS (default
// 5), BENCH_FAIRNESS_ROUNDS rounds (default 3): about three minutes in all.
// Run: npm run bench -- fairness
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { percentile, printTable } from './_util.mjs';

const FLOOD_SECONDS = Number(process.env.BENCH_FAIRNESS_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_FAIRNESS_ROUNDS ?? 3);
const FLOOD_CONNECTIONS = 200;
const MEMORIES_PER_AGENT = 2000;
const ALONE_REQUESTS = 150;
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

/** No stage may take longer (a server start, a request, a flood's end): the scenario stops by itself. */
const STAGE_TIMEOUT_MS = 60_000;

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
  const counts = {
    requests: result.requests.total,
    ok: result['2xx'],
    refused: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  // Disconnecting at once could drop the message before it is written.
  process.send(counts, () => process.disconnect());
}

/** An agent searching one request at a time; its durations in ms, sorted, and how many failed. */
async function searchAs(agent, port, { count = Infinity, until = Infinity, from = 0 }) {
  const durations = [];
  let failed = 0;
  for (let i = 0; i < count && Date.now() < until; i++) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/memories/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS[agent]}` },
      body: JSON.stringify(SEARCH),
      signal: AbortSignal.timeout(STAGE_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) failed++;
    else if (Date.now() >= from) durations.push(elapsed);
  }
  return { durations: durations.sort((a, b) => a - b), failed };
}

/**
 * Waits until the server has worked off what the flood left (autocannon drops its connections,
 * not the requests already sent), so the next measurement starts on an idle server: until the
 * flooding agent's own search is answered about as fast as a search alone.
 */
async function settle(port, aloneMs) {
  const deadline = Date.now() + STAGE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { durations } = await searchAs('flood', port, { count: 1 });
    if ((durations[0] ?? Infinity) < Math.max(3 * aloneMs, 20)) return;
  }
  throw new Error(`fairness: the server was still busy ${STAGE_TIMEOUT_MS} ms after a flood`);
}

/** `promise`, or an error naming what did not happen within STAGE_TIMEOUT_MS. */
function within(promise, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`fairness: waited ${STAGE_TIMEOUT_MS} ms for ${what}`)),
      STAGE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function measure() {
  const loadBefore = loadavg();
  const self = new URL(import.meta.url).pathname;
  const servers = CONFIGS.map((config) =>
    fork(self, ['--serve', JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const ports = [];
  for (const server of servers) ports.push((await within(once(server, 'message'), 'a server to start'))[0].port);
  for (const port of ports) await searchAs('other', port, { count: 50 }); // warm-up: JIT, statements prepared

  // Rounds interleave the servers, so a change in the machine's background load falls on each
  // alike; each figure is the median over the rounds.
  const rounds = CONFIGS.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, port] of ports.entries()) {
      const alone = await searchAs('other', port, { count: ALONE_REQUESTS });
      const flooder = fork(self, ['--flood', String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      await within(once(flooder, 'message'), 'the flood to start');
      const ended = once(flooder, 'message'); // listening now: the other agent's last search may outlast the flood
      const started = Date.now();
      const during = await searchAs('other', port, {
        from: started + RAMP_MS,
        until: started + FLOOD_SECONDS * 1000 - 200,
      });
      const [flood] = await within(ended, `the flood to end (${CONFIGS[i].name}, round ${round + 1})`);
      rounds[i].push({ alone, during, flood });
      await settle(port, percentile(alone.durations, 0.5));
    }
  }
  const exited = servers.map((server) => once(server, 'exit')); // listening before any can exit
  for (const server of servers) server.disconnect();
  await within(Promise.all(exited), 'the servers to stop');

  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const ms = (runs, pick, q) => median(runs.map((r) => percentile(pick(r).durations, q))).toFixed(1);
  const perSecond = (runs, pick) => Math.round(median(runs.map((r) => pick(r.flood))) / FLOOD_SECONDS);
  const rows = CONFIGS.map((config, i) => {
    const runs = rounds[i];
    const refusedOther = runs.reduce((sum, r) => sum + r.during.failed, 0);
    return [
      config.name,
      ms(runs, (r) => r.alone, 0.5),
      ms(runs, (r) => r.alone, 0.95),
      ms(runs, (r) => r.during, 0.5),
      ms(runs, (r) => r.during, 0.95),
      `${runs.reduce((sum, r) => sum + r.during.durations.length, 0)}${refusedOther > 0 ? ` (+${refusedOther} refused)` : ''}`,
      perSecond(runs, (f) => f.ok).toLocaleString('en-US'),
      perSecond(runs, (f) => f.refused).toLocaleString('en-US'),
      runs.reduce((sum, r) => sum + r.flood.errors, 0),
    ];
  });
  console.log(
    `other agent: one search at a time (${SEARCH.limit} of ${MEMORIES_PER_AGENT} memories); flood: ${FLOOD_CONNECTIONS} connections of the same search from one key, ${FLOOD_SECONDS} s (first ${RAMP_MS} ms not counted); ${ROUNDS} interleaved rounds (medians); loopback, three processes busy; load average before: ${loadBefore.map((l) => l.toFixed(1)).join(' ')}, after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
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
