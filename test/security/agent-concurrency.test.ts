import { describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/create-gateway.js';
import type { Caller } from '../../src/gateway/agent-gateway.js';
import { parseConcurrencyLimit } from '../../src/security/agent-concurrency.js';
import { createTestEngine, onCleanup } from '../helpers/engine.js';
import { apiKeysFor, call, silentLogger, startTestServer } from '../helpers/server.js';

/** A tool that holds its caller until the test opens the gate, counting calls under way. */
function gatedTool() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const state = { started: 0, running: 0, most: 0 };
  const slow = async () => {
    state.started++;
    state.most = Math.max(state.most, ++state.running);
    await gate;
    state.running--;
    return 'done';
  };
  return { slow, state, open };
}

const caller = (agentId: string): Caller => ({
  principal: { agentId, namespace: 'lab', role: 'agent', credential: 'local' },
  surface: 'mcp',
});

describe('the per-agent concurrency cap', () => {
  it('runs `running` operations of an agent, queues `waiting` more in order, refuses the next, and never makes another agent wait', async () => {
    const tool = gatedTool();
    const engine = await createTestEngine({ tools: { slow: tool.slow } });
    const gateway = await createGateway({
      engine,
      rateLimit: null,
      agentConcurrency: { running: 2, waiting: 1 },
      logger: silentLogger,
    });
    onCleanup(() => gateway.close());
    const slow = (agent: string) => gateway.execute(caller(agent), { query: 'run tool slow', useCache: false });

    const flood = [slow('flood'), slow('flood'), slow('flood')];
    await expect(slow('flood')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
      message: "Agent 'flood' already has 2 requests running and 1 waiting, the most allowed; retry in 1 s",
    });
    await expect.poll(() => tool.state.started).toBe(2); // the third waits for a place
    // Another agent runs at once, beside the flood's two, its own slow call included.
    const other = slow('other');
    expect((await gateway.execute(caller('other'), { query: 'calculate 2 + 3' })).result).toMatchObject({ value: 5 });
    await expect.poll(() => tool.state.started).toBe(3);
    expect(tool.state.running).toBe(3);

    tool.open();
    const results = await Promise.all([...flood, other]);
    expect(results.every((r) => r.success)).toBe(true);
    expect(tool.state.started).toBe(4);
    // The queued call ran once a place was free: never more than 2 of the flood's plus the other's 1.
    expect(tool.state.most).toBe(3);
    // The agent's places are free again.
    expect((await slow('flood')).success).toBe(true);
  });

  it('answers over HTTP with 429 and Retry-After: 1 beyond the bound, while another agent is served', async () => {
    const tool = gatedTool();
    const { auth, keys } = apiKeysFor([
      { agentId: 'flood', namespace: 'lab', role: 'agent' },
      { agentId: 'other', namespace: 'lab', role: 'agent' },
    ]);
    const { base, app, engine } = await startTestServer({
      auth,
      agentConcurrency: { running: 1, waiting: 0 },
      engineOptions: { tools: { slow: tool.slow } },
    });
    const execute = (agent: string, query: string) =>
      call(base, '/api/v1/pattern/execute', { body: { query, use_cache: false }, token: keys[agent]! });
    const held = execute('flood', 'run tool slow');
    await expect.poll(() => tool.state.started).toBe(1);
    const refused = await execute('flood', 'calculate 1 + 1');
    expect(refused.status).toBe(429);
    expect(refused.body['code']).toBe('RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await execute('other', 'calculate 1 + 1')).status).toBe(200);
    tool.open();
    expect((await held).status).toBe(200);
    expect((await execute('flood', 'calculate 1 + 1')).status).toBe(200);
    await app.close();
    const refusals = await engine.auditTrail().query({ agentId: 'flood', success: false, limit: 10 });
    expect(refusals.map((r) => [r.errorCode, r.count])).toEqual([['RATE_LIMITED', 1]]);
  });

  it('is read from --agent-concurrency as running/waiting, 0 turning it off', () => {
    expect(parseConcurrencyLimit('4/256')).toEqual({ running: 4, waiting: 256 });
    expect(parseConcurrencyLimit(' 1 / 0 ')).toEqual({ running: 1, waiting: 0 });
    expect(parseConcurrencyLimit('0')).toBeNull();
    for (const bad of ['0/10', '4', 'four/8', '-1/2', '4/256/1']) {
      expect(() => parseConcurrencyLimit(bad), bad).toThrow(/agent concurrency: expected <running>\/<waiting>/);
    }
  });
});
