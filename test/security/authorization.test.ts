import { describe, expect, it } from 'vitest';
import { PatternDefinition } from '../../src/index.js';
import { requiredRoleFor } from '../../src/security/roles.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

const team = [
  { agentId: 'reader', namespace: 'ops', role: 'readonly' },
  { agentId: 'writer', namespace: 'ops', role: 'agent' },
  { agentId: 'boss', namespace: 'ops', role: 'admin' },
] as const;

const customPattern = {
  name: 'database_optimization',
  pattern_type: 'memory',
  trigger_pattern: String.raw`optimize\s+(database|query|index)`,
  cost_tokens: 120,
  priority: 10,
  cache_ttl: 300,
  metadata: { category: 'optimization' },
};

async function setup(options: Parameters<typeof startTestServer>[0] = {}) {
  const { auth, keys } = apiKeysFor(team);
  const server = await startTestServer({ auth, ...options });
  const as = (agent: keyof typeof keys) => ({ token: keys[agent]! });
  return { ...server, as };
}

describe('roles', () => {
  it('derive a pattern role from its action and let required_role only raise it', () => {
    const read = PatternDefinition.fromConfig({ ...customPattern });
    expect(requiredRoleFor(read)).toBe('readonly');
    const write = PatternDefinition.fromConfig({ ...customPattern, action: 'store' });
    expect(requiredRoleFor(write)).toBe('agent');
    const raised = PatternDefinition.fromConfig({ ...customPattern, required_role: 'admin' });
    expect(requiredRoleFor(raised)).toBe('admin');
    const lowered = PatternDefinition.fromConfig({ ...customPattern, action: 'store', required_role: 'readonly' });
    expect(requiredRoleFor(lowered)).toBe('agent');
    expect(raised.toConfig()).toMatchObject({ required_role: 'admin' });
    expect(() => PatternDefinition.fromConfig({ ...customPattern, required_role: 'root' })).toThrow(/required_role/);
  });

  it('let readonly callers read but not write, through execute and the memory endpoints', async () => {
    const { base, engine, as } = await setup();
    const readExec = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'recall memories' },
      ...as('reader'),
    });
    expect(readExec.status).toBe(200);

    const writeExec = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'save note: hello' },
      ...as('reader'),
    });
    expect(writeExec.status).toBe(403);
    expect(writeExec.body).toMatchObject({ code: 'FORBIDDEN', details: { required_role: 'agent', role: 'readonly' } });
    expect(writeExec.body['message']).toMatch(/store_memory/);

    const store = await call(base, '/api/v1/memories', { body: { content: 'hello' }, ...as('reader') });
    expect(store.status).toBe(403);
    expect(await engine.countMemories({ namespace: 'ops', agentId: 'x', admin: true })).toBe(0);

    const written = await call(base, '/api/v1/memories', { body: { content: 'hello' }, ...as('writer') });
    expect(written.status).toBe(201);
    const id = (written.body['memory'] as { id: string }).id;
    expect((await call(base, `/api/v1/memories/${id}`, { method: 'DELETE', ...as('reader') })).status).toBe(403);
    expect((await call(base, `/api/v1/memories/${id}`, { method: 'DELETE', ...as('writer') })).status).toBe(200);
  });

  it('keep tool calls (effects) from readonly callers', async () => {
    const { base, as } = await setup({ engineOptions: { tools: { lint: () => 'clean' } } });
    const denied = await call(base, '/api/v1/pattern/execute', { body: { query: 'run tool lint' }, ...as('reader') });
    expect(denied.status).toBe(403);
    const allowed = await call(base, '/api/v1/pattern/execute', { body: { query: 'run tool lint' }, ...as('writer') });
    expect(allowed.body).toMatchObject({ pattern: 'execute_tool', result: { output: 'clean' } });
  });

  it('enforce a pattern that requires admin, even when served from the cache', async () => {
    const { base, as } = await setup();
    const registered = await call(base, '/api/v1/patterns', {
      body: { ...customPattern, required_role: 'admin' },
      ...as('boss'),
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ name: 'database_optimization', required_role: 'admin' });
    const boss = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'optimize database performance' },
      ...as('boss'),
    });
    expect(boss.body).toMatchObject({ pattern: 'database_optimization', success: true });
    const writer = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'optimize database performance' },
      ...as('writer'),
    });
    expect(writer.status).toBe(403);
  });
});

describe('pattern management', () => {
  it('needs admin to register or delete, and runs the seed custom-pattern flow', async () => {
    const { base, as } = await setup();
    const denied = await call(base, '/api/v1/patterns', { body: customPattern, ...as('writer') });
    expect(denied.status).toBe(403);

    const created = await call(base, '/api/v1/patterns', { body: customPattern, ...as('boss') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'database_optimization',
      pattern_type: 'memory',
      cost_tokens: 120,
      required_role: 'readonly',
    });

    for (const query of ['optimize database performance', 'optimize query execution', 'optimize index usage']) {
      const result = await call(base, '/api/v1/pattern/execute', { body: { query }, ...as('reader') });
      expect(result.body).toMatchObject({ pattern: 'database_optimization', success: true });
    }
    const conflict = await call(base, '/api/v1/patterns', { body: customPattern, ...as('boss') });
    expect(conflict.status).toBe(409);
    expect(conflict.body['code']).toBe('PATTERN_CONFLICT');
    const replaced = await call(base, '/api/v1/patterns?replace=true', {
      body: { ...customPattern, priority: 3 },
      ...as('boss'),
    });
    expect(replaced.status).toBe(201);

    expect((await call(base, '/api/v1/patterns/database_optimization', as('reader'))).body['priority']).toBe(3);
    const list = await call(base, '/api/v1/patterns?type=memory', as('reader'));
    expect((list.body['patterns'] as Array<{ name: string }>).map((p) => p.name)).toContain('database_optimization');

    expect(
      (await call(base, '/api/v1/patterns/database_optimization', { method: 'DELETE', ...as('writer') })).status,
    ).toBe(403);
    expect(
      (await call(base, '/api/v1/patterns/database_optimization', { method: 'DELETE', ...as('boss') })).status,
    ).toBe(200);
    const gone = await call(base, '/api/v1/patterns/database_optimization', as('reader'));
    expect(gone.status).toBe(404);
    expect(gone.body['code']).toBe('UNKNOWN_PATTERN');
  });

  it('refuses hostile triggers with a clear 400 and registers nothing', async () => {
    const { base, engine, as } = await setup();
    const before = engine.registry.version;
    for (const trigger of ['(?=lookahead)x', String.raw`(a)\1`, '(unclosed', '']) {
      const response = await call(base, '/api/v1/patterns', {
        body: { ...customPattern, trigger_pattern: trigger },
        ...as('boss'),
      });
      expect(response.status).toBe(400);
      expect(['UNSAFE_PATTERN', 'VALIDATION_ERROR']).toContain(response.body['code']);
    }
    // A catastrophic-backtracking trigger is accepted because RE2 matches it in linear time.
    const redos = await call(base, '/api/v1/patterns', {
      body: { ...customPattern, name: 'redos', trigger_pattern: '(a+)+$' },
      ...as('boss'),
    });
    expect(redos.status).toBe(201);
    const slow = await call(base, '/api/v1/pattern/execute', {
      body: { query: `${'a'.repeat(1999)}!` },
      ...as('reader'),
    });
    expect(slow.status).toBeLessThan(500);
    expect(engine.registry.version).toBe(before + 1);
  });

  it('caps the patterns one agent holds', async () => {
    const { base, as } = await setup({ maxPatternsPerAgent: 2 });
    for (const name of ['p_one', 'p_two']) {
      const ok = await call(base, '/api/v1/patterns', {
        body: { ...customPattern, name, trigger_pattern: name },
        ...as('boss'),
      });
      expect(ok.status).toBe(201);
    }
    const third = await call(base, '/api/v1/patterns', {
      body: { ...customPattern, name: 'p_three', trigger_pattern: 'three' },
      ...as('boss'),
    });
    expect(third.status).toBe(403);
    expect(third.body['code']).toBe('QUOTA_EXCEEDED');
    // Replacing one you hold does not count twice; deleting frees a place.
    const replaced = await call(base, '/api/v1/patterns?replace=true', {
      body: { ...customPattern, name: 'p_two', trigger_pattern: 'two' },
      ...as('boss'),
    });
    expect(replaced.status).toBe(201);
    await call(base, '/api/v1/patterns/p_one', { method: 'DELETE', ...as('boss') });
    expect(
      (
        await call(base, '/api/v1/patterns', {
          body: { ...customPattern, name: 'p_three', trigger_pattern: 'three' },
          ...as('boss'),
        })
      ).status,
    ).toBe(201);
  });

  it('explains a query without running it', async () => {
    const { base, as } = await setup();
    const response = await call(base, '/api/v1/patterns/explain', {
      body: { query: 'recall items tagged security' },
      ...as('reader'),
    });
    expect(response.body).toMatchObject({
      pattern: 'recall_by_tag',
      matched: { pattern: 'recall_by_tag', params: { tag: 'security' } },
      routing: { pattern_type: 'memory', confidence: 1 },
      required_role: 'readonly',
      cache_ttl: 300,
    });
    const writes = await call(base, '/api/v1/patterns/explain', {
      body: { query: 'save note: x', mode: 'fast' },
      ...as('reader'),
    });
    expect(writes.body).toMatchObject({ pattern: null, matched: null });
    const stats = await call(base, '/api/v1/pattern/stats', as('reader'));
    expect(stats.body['total_executions']).toBe(0);
  });
});

describe('the audit log', () => {
  it('records executions, writes and pattern changes, refusals included, for admins only', async () => {
    const { base, as } = await setup();
    await call(base, '/api/v1/pattern/execute', { body: { query: 'recall memories' }, ...as('reader') });
    await call(base, '/api/v1/pattern/execute', { body: { query: 'save note: denied' }, ...as('reader') });
    const stored = await call(base, '/api/v1/memories', { body: { content: 'audited' }, ...as('writer') });
    await call(base, '/api/v1/patterns', { body: customPattern, ...as('boss') });
    await call(base, '/api/v1/pattern/execute', { body: { query: 'calculate 1/0' }, ...as('writer') });

    expect((await call(base, '/api/v1/audit', as('writer'))).status).toBe(403);
    const audit = await call(base, '/api/v1/audit', as('boss'));
    expect(audit.status).toBe(200);
    const entries = audit.body['entries'] as Array<Record<string, unknown>>;
    // Refusals are counted per window and written when the log is read (or the window ends),
    // so they come after the entries written meanwhile; their `at` is when they happened.
    expect(
      entries.map((e) => [e['agent_id'], e['operation'], e['pattern'], e['success'], e['error_code'], e['count']]),
    ).toEqual([
      ['writer', 'audit.query', null, false, 'FORBIDDEN', 1],
      ['reader', 'execute', 'store_memory', false, 'FORBIDDEN', 1],
      ['writer', 'execute', 'quick_calculation', false, 'EXECUTION_FAILED', 1],
      ['boss', 'pattern.register', 'database_optimization', true, null, 1],
      ['writer', 'memory.store', null, true, null, 1],
      ['reader', 'execute', 'recall_memory', true, null, 1],
    ]);
    expect(Date.parse(String(entries[1]!['at']))).toBeLessThan(Date.parse(String(entries[4]!['at'])));
    expect(entries[4]!['target']).toBe((stored.body['memory'] as { id: string }).id);
    expect(entries.every((e) => e['surface'] === 'http' && typeof e['duration_ms'] === 'number')).toBe(true);

    const filtered = await call(base, '/api/v1/audit?agent_id=reader&success=false', as('boss'));
    expect((filtered.body['entries'] as Array<{ pattern: string }>)[0]!.pattern).toBe('store_memory');
    expect(filtered.body['count']).toBe(1);
    const page = await call(base, `/api/v1/audit?limit=2&before_id=${String(entries[3]!['id'])}`, as('boss'));
    expect((page.body['entries'] as Array<{ operation: string }>).map((e) => e.operation)).toEqual([
      'memory.store',
      'execute',
    ]);
  });
});
