import { describe, expect, it } from 'vitest';
import { createTestEngine, manualClock } from '../helpers/engine.js';
import { callTool, connectHttpMcp } from '../helpers/mcp.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

const agents = [
  { agentId: 'alice', namespace: 'lab', role: 'agent' },
  { agentId: 'bob', namespace: 'ops', role: 'agent' },
  { agentId: 'dana', namespace: 'lab', role: 'readonly' },
  { agentId: 'root', namespace: 'ops', role: 'admin' },
] as const;

async function setup() {
  const { auth, keys } = apiKeysFor(agents);
  const server = await startTestServer({ auth });
  const as = (agent: string) => ({ token: keys[agent]! });
  const execute = (agent: string, query: string) =>
    call(server.base, '/api/v1/pattern/execute', { body: { query }, ...as(agent) });
  // alice (lab): two recalls (a miss, then a hit) and a calculation; bob (ops): three health checks and a failure.
  await execute('alice', 'recall memories');
  await execute('alice', 'recall memories');
  await execute('alice', 'calculate 2 + 2');
  for (let i = 0; i < 3; i++) await execute('bob', 'check health');
  await execute('bob', 'calculate 1 / 0');
  const stats = async (agent: string) => {
    const response = await call(server.base, '/api/v1/pattern/stats', as(agent));
    expect(response.status).toBe(200);
    return response.body;
  };
  return { ...server, keys, as, execute, stats };
}

describe('scoped statistics', () => {
  it("shows each non-admin caller its own namespace's figures only", async () => {
    const { stats } = await setup();
    const lab = await stats('alice');
    expect(lab).toMatchObject({
      namespace: 'lab',
      total_executions: 3,
      successful_executions: 3,
      cache_hits: 1,
      tokens_used: 135,
      tokens_saved_by_cache: 100,
      by_pattern: {
        recall_memory: { executions: 2, cache_hits: 1, cache_hit_rate: 50 },
        quick_calculation: { executions: 1, cache_hits: 0 },
      },
    });
    expect(Object.keys(lab['by_pattern'] as object).sort()).toEqual(['quick_calculation', 'recall_memory']);
    expect(lab['errors']).toEqual({});
    // Server-wide counters (cache, router, registry lookups) would count the other namespaces' activity.
    expect(lab).not.toHaveProperty('cache');
    expect(lab).not.toHaveProperty('router');
    expect(lab['registry']).toEqual({
      patterns: 25,
      by_type: { infrastructure: 5, memory: 16, hybrid: 4 },
      version: 1,
    });

    const ops = await stats('bob');
    expect(ops).toMatchObject({
      namespace: 'ops',
      total_executions: 4,
      successful_executions: 3,
      cache_hits: 2,
      errors: { EXECUTION_FAILED: 1 },
    });
    expect(Object.keys(ops['by_pattern'] as object).sort()).toEqual(['health_check', 'quick_calculation']);

    // Another agent of the same namespace sees the namespace's figures (they are not per agent).
    expect(await stats('dana')).toMatchObject({ namespace: 'lab', total_executions: 3 });
  });

  it('shows admins every namespace, with the server-wide cache and router counters', async () => {
    const { stats } = await setup();
    const all = await stats('root');
    expect(all).toMatchObject({ namespace: null, total_executions: 7, cache_hits: 3 });
    expect(Object.keys(all['by_pattern'] as object).sort()).toEqual([
      'health_check',
      'quick_calculation',
      'recall_memory',
    ]);
    expect(all['by_pattern']).toMatchObject({ quick_calculation: { executions: 2, successes: 1 } });
    expect(all).toHaveProperty('cache.hits');
    expect(all).toHaveProperty('router.decisions');
    expect(all['health']).toEqual({
      store: { status: 'ok' },
      cache: { status: 'ok', tiers: { l1: { status: 'ok' } } },
    });
  });

  it('scopes get_stats and the stats resource over MCP the same way', async () => {
    const { base, keys } = await setup();
    const alice = await connectHttpMcp(base, keys['alice']);
    const tool = await callTool(alice, 'get_stats');
    expect(tool.ok).toBe(true);
    expect(tool.ok && tool.value).toMatchObject({ namespace: 'lab', total_executions: 3 });
    const resource = await alice.readResource({ uri: 'tmws://stats' });
    const text = (resource.contents[0] as { text: string }).text;
    expect(JSON.parse(text)).toMatchObject({ namespace: 'lab', total_executions: 3 });

    const root = await connectHttpMcp(base, keys['root']);
    const all = await callTool(root, 'get_stats');
    expect(all.ok && all.value).toMatchObject({ namespace: null, total_executions: 7 });
  });

  it("answers the stats pattern with the caller's namespace, whatever the caller's role", async () => {
    const { execute } = await setup();
    const fromBob = await execute('bob', 'show stats');
    expect(fromBob.status).toBe(200);
    expect(fromBob.body['result']).toMatchObject({ namespace: 'ops', total_executions: 4 });
    expect(Object.keys((fromBob.body['result'] as { by_pattern: object }).by_pattern)).not.toContain('recall_memory');
    // The admin's execution runs in its own namespace too: server-wide figures come from the stats endpoint.
    const fromRoot = await execute('root', 'get execution statistics');
    expect(fromRoot.body['result']).toMatchObject({ namespace: 'ops' });
  });

  it('serves /metrics to admins only, and audits the refusal', async () => {
    const { base, as } = await setup();
    const refused = await call(base, '/metrics', as('alice'));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.text).not.toContain('tmws_executions_total');
    const metrics = await call(base, '/metrics', as('root'));
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/tmws_executions_total\{pattern="health_check",pattern_type="infrastructure"/);
    const audit = await call(base, '/api/v1/audit?operation=metrics', as('root'));
    expect(audit.body['entries']).toEqual([
      expect.objectContaining({ agent_id: 'alice', operation: 'metrics', success: false, error_code: 'FORBIDDEN' }),
    ]);
  });
});

describe('per-namespace accounting in the engine', () => {
  it('keeps each namespace apart, with per-pattern latency and a timeline', async () => {
    const clock = manualClock(Date.parse('2026-03-01T12:00:00Z'));
    const engine = await createTestEngine({ clock: clock.now });
    await engine.execute('recall memories', { context: { namespace: 'lab' } });
    clock.advance(5_000);
    await engine.execute('recall memories', { context: { namespace: 'lab' } });
    await engine.execute('check health', { context: { namespace: 'ops' } });
    await engine.execute('', { context: { namespace: 'lab' } }).catch(() => undefined);

    const lab = engine.getStats({ namespace: 'lab' });
    expect(lab).toMatchObject({ namespace: 'lab', totalExecutions: 2, cacheHits: 1 });
    expect(lab.byPattern['recall_memory']).toMatchObject({ executions: 2, cacheHitRate: 50 });
    // The cache hit is not an executed run: one latency sample.
    expect(lab.byPattern['recall_memory']!.latencyMs.samples).toBe(1);
    expect(lab.byPattern['recall_memory']!.latencyMs.p95).toBeGreaterThan(0);

    const { timeline } = lab;
    expect(timeline.bucketSeconds).toBe(5);
    expect(timeline.executions).toHaveLength(120);
    expect(timeline.until).toBe('2026-03-01T12:00:05.000Z');
    expect(timeline.executions.slice(-2)).toEqual([1, 1]);
    expect(timeline.cacheHits.slice(-2)).toEqual([0, 1]);
    expect(timeline.tokensUsed.slice(-2)).toEqual([100, 0]);
    expect(timeline.tokensSaved.slice(-2)).toEqual([0, 100]);
    expect(timeline.executions.slice(0, -2).every((n) => n === 0)).toBe(true);

    expect(engine.getStats({ namespace: 'ops' })).toMatchObject({
      totalExecutions: 1,
      byPattern: { health_check: {} },
    });
    expect(engine.getStats({ namespace: 'nobody' })).toMatchObject({ totalExecutions: 0, byPattern: {} });
    // The input refused before it named a namespace counts in the total only.
    expect(engine.getStats()).toMatchObject({ namespace: null, totalExecutions: 4 });

    // Ten minutes later the old buckets have left the timeline; the totals stay.
    clock.advance(10 * 60_000);
    const later = engine.getStats({ namespace: 'lab' });
    expect(later.timeline.executions.every((n) => n === 0)).toBe(true);
    expect(later.totalExecutions).toBe(2);
  });
});
