import { describe, expect, it } from 'vitest';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

describe('the gateway plans, authorizes, then runs', () => {
  it('refuses a pattern the caller may not run before it runs, and the engine counts the refusal', async () => {
    const { auth, keys } = apiKeysFor([{ agentId: 'reader', namespace: 'ops', role: 'readonly' }]);
    const { base, engine } = await startTestServer({ auth });
    const token = keys['reader']!;
    const refused = await call(base, '/api/v1/pattern/execute', { body: { query: 'save note: hello' }, token });
    expect(refused.status).toBe(403);
    expect(refused.body['message']).toMatch(/store_memory/);
    expect((await engine.searchMemories({ namespace: 'ops', agentId: 'reader' })).memories).toEqual([]);
    expect(engine.getStats({ namespace: 'ops' })).toMatchObject({
      totalExecutions: 1,
      errors: { FORBIDDEN: 1 },
      byPattern: {},
    });
    const explained = await call(base, '/api/v1/patterns/explain', { body: { query: 'save note: hello' }, token });
    expect(explained.body).toMatchObject({ pattern: 'store_memory', required_role: 'agent' });
  });

  it('answers a failed execution with its own error code', async () => {
    const { base } = await startTestServer();
    const failed = await call(base, '/api/v1/pattern/execute', { body: { query: 'calculate 1 / 0' } });
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({
      code: 'EXECUTION_FAILED',
      details: { pattern: 'quick_calculation', execution_time_ms: expect.any(Number) },
    });
  });

  it('lists patterns with the registry version they belong to', async () => {
    const { base, engine } = await startTestServer();
    const listed = await call(base, '/api/v1/patterns?type=hybrid');
    expect(listed.body).toMatchObject({ count: 4, version: engine.registry.version });
    expect((listed.body['patterns'] as Array<{ name: string }>).map((p) => p.name)).toEqual(
      engine.listPatterns('hybrid').patterns.map((p) => p.name),
    );
  });
});
