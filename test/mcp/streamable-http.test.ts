import { describe, expect, it } from 'vitest';
import { callTool, connectHttpMcp } from '../helpers/mcp.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

const agents = [
  { agentId: 'hermes', namespace: 'olympus', role: 'agent' },
  { agentId: 'argus', namespace: 'olympus', role: 'readonly' },
  { agentId: 'zeus', namespace: 'olympus', role: 'admin' },
] as const;

describe('MCP over Streamable HTTP (/mcp, through the SDK client)', () => {
  it('acts as the credential’s agent, runs the seed flow, and audits with surface mcp', async () => {
    const { auth, keys } = apiKeysFor(agents);
    const { base } = await startTestServer({ auth });
    const hermes = await connectHttpMcp(base, keys['hermes']);
    expect((await hermes.listTools()).tools).toHaveLength(12);

    const stored = await callTool(hermes, 'execute_pattern', {
      query: 'store test optimization pattern',
      use_cache: false,
    });
    expect(stored).toMatchObject({
      ok: true,
      value: { pattern: 'store_memory', metadata: { agent_id: 'hermes', namespace: 'olympus' } },
    });
    const recalled = await callTool(hermes, 'execute_pattern', { query: 'recall test optimization pattern' });
    expect(recalled).toMatchObject({ ok: true, value: { pattern: 'recall_memory', result: { count: 1 } } });
    const analyzed = await callTool(hermes, 'execute_pattern', {
      query: 'analyze optimization patterns',
      mode: 'comprehensive',
    });
    expect(analyzed).toMatchObject({ ok: true, value: { pattern: 'semantic_analysis', success: true } });

    const impersonating = await callTool(hermes, 'store_memory', { content: 'x' });
    expect(impersonating.ok).toBe(true);
    const forged = await callTool(hermes, 'execute_pattern', {
      query: 'save note: y',
      context: { namespace: 'hades' },
    });
    expect(forged).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const argus = await connectHttpMcp(base, keys['argus']);
    expect(await callTool(argus, 'store_memory', { content: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await callTool(argus, 'register_pattern', {
        pattern: { name: 'p', pattern_type: 'memory', trigger_pattern: 'p', cost_tokens: 1 },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const audit = await call(base, '/api/v1/audit?limit=20', { token: keys['zeus']! });
    const entries = audit.body['entries'] as Array<{ surface: string; agent_id: string; operation: string }>;
    expect(entries.length).toBeGreaterThanOrEqual(6);
    expect(entries.every((e) => e.surface === 'mcp')).toBe(true);
    expect(entries.filter((e) => e.agent_id === 'argus').map((e) => e.operation)).toEqual([
      'pattern.register',
      'memory.store',
    ]);
  });

  it('refuses a client without a valid credential, and offers no GET stream', async () => {
    const { auth } = apiKeysFor(agents);
    const { base } = await startTestServer({ auth });
    await expect(connectHttpMcp(base)).rejects.toThrow(/401|UNAUTHORIZED/);
    await expect(connectHttpMcp(base, 'tmws_wrong')).rejects.toThrow(/401|UNAUTHORIZED/);
    expect((await call(base, '/mcp', { token: 'tmws_wrong' })).status).toBe(401);
  });

  it('answers GET with 405 for an authenticated caller (the endpoint is stateless)', async () => {
    const { base } = await startTestServer();
    const get = await call(base, '/mcp', { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('applies rate limits to tool calls, as a coded tool error', async () => {
    const { auth, keys } = apiKeysFor(agents);
    const { base } = await startTestServer({ auth, rateLimit: { requests: 2, perSeconds: 60 } });
    const hermes = await connectHttpMcp(base, keys['hermes']);
    expect((await callTool(hermes, 'get_stats')).ok).toBe(true);
    expect((await callTool(hermes, 'get_stats')).ok).toBe(true);
    const limited = await callTool(hermes, 'get_stats');
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    if (!limited.ok) expect(limited.error).toHaveProperty('details.retry_after_seconds');
  });
});
