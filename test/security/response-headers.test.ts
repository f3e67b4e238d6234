import { describe, expect, it } from 'vitest';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

const team = [
  { agentId: 'reader', namespace: 'ops', role: 'readonly' },
  { agentId: 'boss', namespace: 'ops', role: 'admin' },
] as const;

/** Each reply must be neither cached nor sniffed: it holds a caller's data, or says why it was refused. */
function expectGuarded(headers: Headers, what: string): void {
  expect(headers.get('cache-control'), what).toBe('no-store');
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
}

describe('API replies', () => {
  it('carry Cache-Control: no-store and X-Content-Type-Options: nosniff, errors included', async () => {
    const { auth, keys } = apiKeysFor(team);
    const { base } = await startTestServer({ auth, bodyLimit: 4096 });
    const reader = { token: keys['reader']! };
    const boss = { token: keys['boss']! };
    const replies = {
      execute: await call(base, '/api/v1/pattern/execute', { body: { query: 'recall memories' }, ...reader }),
      'memory search': await call(base, '/api/v1/memories/search', { body: { query: 'x' }, ...reader }),
      patterns: await call(base, '/api/v1/patterns', reader),
      stats: await call(base, '/api/v1/pattern/stats', reader),
      audit: await call(base, '/api/v1/audit', boss),
      metrics: await call(base, '/metrics', boss),
      'MCP over HTTP': await call(base, '/mcp', {
        body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
        headers: { accept: 'application/json, text/event-stream' },
        ...reader,
      }),
      '400': await call(base, '/api/v1/pattern/execute', { body: {}, ...reader }),
      '401': await call(base, '/api/v1/pattern/stats', { token: 'tmws_not-a-key-of-this-server-at-all' }),
      '403': await call(base, '/api/v1/audit', reader),
      '404': await call(base, '/api/v1/nothing-here', reader),
      '413': await call(base, '/api/v1/pattern/execute', { body: { query: 'x'.repeat(5000) }, ...reader }),
      '415': await call(base, '/api/v1/pattern/execute', {
        body: 'recall memories',
        headers: { 'content-type': 'text/plain' },
        ...reader,
      }),
      health: await call(base, '/health'),
    };
    expect(Object.fromEntries(Object.entries(replies).map(([what, reply]) => [what, reply.status]))).toMatchObject({
      execute: 200,
      'MCP over HTTP': 200,
      '401': 401,
      '403': 403,
      '413': 413,
      '415': 415,
    });
    for (const [what, reply] of Object.entries(replies)) expectGuarded(reply.headers, what);
    expect(replies['413'].body).toMatchObject({ details: { limit_bytes: 4096 } });
    expect(replies['413'].body['message']).toBe('Request body is over the limit of 4096 bytes; send a smaller body');
  });

  it('leave the dashboard files their own cache policy', async () => {
    const { base } = await startTestServer();
    const page = await call(base, '/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).not.toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
