// A dashboard with something to show: a server on an in-memory store with three API keys
// (alice and bob, agents in namespaces lab and ops; root, admin), memories, and ten
// minutes of traffic replayed on a clock that starts ten minutes in the past and catches
// up. Used by `npm run screenshots`; run it alone to look around:
//   node scripts/dashboard-demo.mjs   (prints the URL and the keys, serves until Ctrl-C)
import { createPatternExecutionEngine } from '../dist/index.js';
import { createHttpService, generateApiKey, hashApiKey } from '../dist/server.js';

const AGENTS = [
  { agentId: 'alice', namespace: 'lab', role: 'agent' },
  { agentId: 'bob', namespace: 'ops', role: 'agent' },
  { agentId: 'root', namespace: 'ops', role: 'admin' },
];

const MEMORIES = {
  alice: [
    [
      'Use pgbouncer in transaction mode for connection pooling in front of the auth database',
      ['database', 'pooling'],
      0.9,
      'team',
    ],
    [
      'Connection pool of 20 per instance kept p95 under 40 ms during the load test',
      ['performance', 'pooling'],
      0.8,
      'private',
    ],
    ['Redis cache for session lookups cut auth-service latency by 60 %', ['caching', 'performance'], 0.85, 'team'],
    [
      'Rotate the JWT signing key every 90 days; keep the previous key for verification',
      ['security', 'auth'],
      0.95,
      'private',
    ],
    ['Rate limit login attempts per client address to slow credential stuffing', ['security'], 0.7, 'shared'],
    [
      'Index memories by (namespace, importance) to list the important ones quickly',
      ['database', 'index'],
      0.6,
      'team',
    ],
    [
      'Deployment notes: roll out the cache change behind a flag, watch the hit rate',
      ['deploy', 'caching'],
      0.5,
      'public',
    ],
    ['Prefer read replicas for analytics queries; keep writes on the primary', ['database'], 0.55, 'team'],
    [
      'Incident 2026-02: pool exhaustion after a retry storm; add jittered backoff',
      ['incident', 'pooling'],
      0.75,
      'private',
    ],
    [
      'Compress large cache entries above 8 KiB; smaller ones cost more to compress than to send',
      ['caching'],
      0.4,
      'team',
    ],
  ],
  bob: [
    [
      'Ops runbook: restart the queue workers one at a time to keep consumers attached',
      ['runbook', 'queue'],
      0.8,
      'team',
    ],
    ['Disk alert threshold on database hosts is 80 %, page at 90 %', ['ops', 'database'], 0.7, 'private'],
  ],
};

const TRAFFIC = {
  alice: [
    'recall connection pooling',
    'recall items tagged security',
    'find similar to connection pooling',
    'show important memories',
    'analyze caching performance',
    'calculate {n} * 1.5',
    'recall security {n}',
    'recent deployment notes',
    'check database health',
  ],
  bob: ['check health', 'recall runbook', 'list patterns', 'compare redis vs memcached {n}', 'calculate {n} / 0'],
};

export async function startDemo({ minutes = 10, port = 0 } = {}) {
  let offset = -minutes * 60_000;
  const engine = await createPatternExecutionEngine({ databaseUrl: ':memory:', clock: () => Date.now() + offset });
  const keys = {};
  const apiKeys = AGENTS.map((agent) => {
    keys[agent.agentId] = generateApiKey();
    return { id: `${agent.agentId}-key`, sha256: hashApiKey(keys[agent.agentId]), ...agent };
  });
  const app = await createHttpService({ engine, auth: { apiKeys, jwt: undefined }, rateLimit: null });
  const address = await app.listen({ host: '127.0.0.1', port });
  for (const [agent, memories] of Object.entries(MEMORIES)) {
    const { namespace } = AGENTS.find((a) => a.agentId === agent);
    for (const [content, tags, importance, accessLevel] of memories) {
      const sharedWith = accessLevel === 'shared' ? ['carol'] : [];
      await engine.storeMemory({ namespace, agentId: agent }, { content, tags, importance, accessLevel, sharedWith });
    }
  }
  // Replay traffic through the HTTP API, the clock moving from the past to now, busier in the middle.
  const call = (agent, query) =>
    fetch(`${address}/api/v1/pattern/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[agent]}` },
      body: JSON.stringify({ query }),
    });
  for (let step = 0; offset < 0; step++) {
    const load = 2 + Math.round(6 * Math.sin((step / 120) * Math.PI) ** 2) + (step % 7 === 0 ? 4 : 0);
    for (let i = 0; i < load; i++) {
      const agent = (step + i) % 3 === 0 ? 'bob' : 'alice';
      const queries = TRAFFIC[agent];
      await call(agent, queries[(step * 3 + i * 5) % queries.length].replace('{n}', String((step + i) % 23)));
    }
    // A write now and then invalidates the namespace's cached reads, as real traffic does.
    if (step % 9 === 0) await call('alice', `save note: observation ${step} about cache warm-up`);
    offset = Math.min(0, offset + 5_000);
  }
  return { app, engine, address, keys };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { address, keys } = await startDemo({ port: Number(process.env.PORT ?? 0) });
  console.log(`dashboard: ${address}/dashboard`);
  for (const [agent, key] of Object.entries(keys)) console.log(`  ${agent.padEnd(6)} ${key}`);
}
