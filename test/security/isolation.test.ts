import { describe, expect, it } from 'vitest';
import { callTool, connectHttpMcp } from '../helpers/mcp.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

const SECRET = 'alice private kubernetes token rotation secret';
const agents = [
  { agentId: 'alice', namespace: 'team-a', role: 'agent' },
  { agentId: 'bob', namespace: 'team-a', role: 'agent' },
  { agentId: 'carol', namespace: 'team-b', role: 'admin' },
] as const;

/** Every read a caller can make by query, in both memory-reading modes. */
const READ_QUERIES = [
  'recall kubernetes token rotation',
  'recall items tagged secret',
  'show important memories',
  'get memories with importance above 0.5',
  'find similar to kubernetes token rotation',
  'search for kubernetes',
  'analyze kubernetes rotation',
  'compare kubernetes and rotation',
  'recent kubernetes decisions',
];

async function setup() {
  const { auth, keys } = apiKeysFor(agents);
  const server = await startTestServer({ auth });
  const as = (agent: string) => ({ token: keys[agent]! });
  const store = async (agent: string, body: Record<string, unknown>) => {
    const response = await call(server.base, '/api/v1/memories', { body, ...as(agent) });
    expect(response.status).toBe(201);
    return (response.body['memory'] as { id: string }).id;
  };
  const secretId = await store('alice', { content: SECRET, tags: ['secret', 'kubernetes'], importance: 0.95 });
  const teamId = await store('alice', {
    content: 'team runbook for kubernetes rotation',
    access_level: 'team',
    importance: 0.9,
    tags: ['kubernetes'],
  });
  const sharedId = await store('alice', {
    content: 'kubernetes rotation notes shared with bob',
    access_level: 'shared',
    shared_with: ['bob'],
    importance: 0.8,
    tags: ['kubernetes'],
  });
  return { ...server, keys, as, secretId, teamId, sharedId };
}

describe('isolation between agents', () => {
  it('keeps a private memory out of every execute path, in every mode, and out of the cache', async () => {
    const { base, as, secretId, teamId } = await setup();
    for (const mode of ['balanced', 'comprehensive']) {
      for (const query of READ_QUERIES) {
        // Alice reads first, so her private result is in the cache when the others ask.
        const own = await call(base, '/api/v1/pattern/execute', { body: { query, mode }, ...as('alice') });
        expect(own.status, `${query} (${mode}) as alice`).toBe(200);
        for (const other of ['bob', 'carol']) {
          const response = await call(base, '/api/v1/pattern/execute', { body: { query, mode }, ...as(other) });
          expect(response.status, `${query} (${mode}) as ${other}`).toBe(200);
          expect(response.text, `${query} (${mode}) as ${other}`).not.toContain(secretId);
          expect(response.text).not.toContain('private kubernetes token');
          expect(response.body['cache_hit']).toBe(false);
        }
      }
    }
    // The positive control: alice does see her secret, bob the team memory.
    const mine = await call(base, '/api/v1/pattern/execute', {
      body: { query: 'recall items tagged secret' },
      ...as('alice'),
    });
    expect(mine.text).toContain(secretId);
    const team = await call(base, '/api/v1/pattern/execute', { body: { query: 'recall team runbook' }, ...as('bob') });
    expect(team.text).toContain(teamId);
  });

  it('keeps it out of the memory endpoints: search, get, delete', async () => {
    const { base, as, secretId, teamId, sharedId, engine } = await setup();
    for (const body of [
      {},
      { query: 'kubernetes token rotation' },
      { tags: ['secret'] },
      { query: 'kubernetes', mode: 'hybrid' },
      { min_importance: 0.9 },
    ]) {
      const bob = await call(base, '/api/v1/memories/search', { body, ...as('bob') });
      expect(bob.status).toBe(200);
      expect(bob.text).not.toContain(secretId);
      const carol = await call(base, '/api/v1/memories/search', { body, ...as('carol') });
      expect(carol.body['count']).toBe(0);
    }
    const bobSees = await call(base, '/api/v1/memories/search', { body: { query: 'kubernetes' }, ...as('bob') });
    expect((bobSees.body['memories'] as Array<{ id: string }>).map((m) => m.id).sort()).toEqual(
      [sharedId, teamId].sort(),
    );

    for (const agent of ['bob', 'carol']) {
      const get = await call(base, `/api/v1/memories/${secretId}`, as(agent));
      expect(get.status).toBe(404);
      expect(get.body['code']).toBe('MEMORY_NOT_FOUND');
      const del = await call(base, `/api/v1/memories/${secretId}`, { method: 'DELETE', ...as(agent) });
      expect(del.status).toBe(404);
    }
    // Bob may read the team memory but not delete it: only owners delete.
    expect((await call(base, `/api/v1/memories/${teamId}`, as('bob'))).status).toBe(200);
    expect((await call(base, `/api/v1/memories/${teamId}`, { method: 'DELETE', ...as('bob') })).status).toBe(404);
    expect(await engine.countMemories({ namespace: 'team-a', agentId: 'alice' })).toBe(3);
    expect((await call(base, `/api/v1/memories/${secretId}`, as('alice'))).status).toBe(200);
  });

  it('keeps it out of every MCP tool and resource', async () => {
    const { base, keys, secretId, engine } = await setup();
    for (const agent of ['bob', 'carol']) {
      const client = await connectHttpMcp(base, keys[agent]);
      for (const query of READ_QUERIES) {
        const result = await callTool(client, 'execute_pattern', { query, mode: 'comprehensive' });
        expect(result.ok).toBe(true);
        expect(JSON.stringify(result)).not.toContain(secretId);
      }
      const search = await callTool(client, 'search_memories', { query: 'kubernetes token rotation secret' });
      expect(JSON.stringify(search)).not.toContain(secretId);
      const get = await callTool(client, 'get_memory', { id: secretId });
      expect(get).toMatchObject({ ok: false, error: { code: 'MEMORY_NOT_FOUND' } });
      const del = await callTool(client, 'delete_memory', { id: secretId });
      expect(del).toMatchObject({ ok: false, error: { code: 'MEMORY_NOT_FOUND' } });
      const stats = await client.readResource({ uri: 'tmws://stats' });
      expect(JSON.stringify(stats)).not.toContain(SECRET);
    }
    expect(await engine.countMemories({ namespace: 'team-a', agentId: 'alice' })).toBe(3);
  });
});
