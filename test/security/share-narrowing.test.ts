import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../helpers/engine.js';
import { callTool, connectHttpMcp } from '../helpers/mcp.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

const agents = [
  { agentId: 'alice', namespace: 'lab', role: 'agent' },
  { agentId: 'bob', namespace: 'lab', role: 'agent' },
  { agentId: 'rita', namespace: 'lab', role: 'readonly' },
] as const;
const NOTE = { content: 'vault unseal procedure', tags: ['vault'], access_level: 'shared', shared_with: ['bob'] };

async function serve() {
  const { auth, keys } = apiKeysFor(agents);
  const server = await startTestServer({ auth });
  const as = (agent: keyof typeof keys) => ({ token: keys[agent]! });
  const recall = async (agent: string) =>
    JSON.stringify(
      (
        await call(server.base, '/api/v1/pattern/execute', {
          body: { query: 'recall items tagged vault' },
          ...as(agent),
        })
      ).body,
    );
  const stored = await call(server.base, '/api/v1/memories', { body: NOTE, ...as('alice') });
  expect(stored.status).toBe(201);
  return { ...server, keys, as, recall, id: (stored.body['memory'] as { id: string }).id };
}

describe('narrowing a share', () => {
  it('through the library: a re-store with an empty list or as private narrows, update_memory changes in place', async () => {
    const engine = await createTestEngine();
    const alice = { namespace: 'lab', agentId: 'alice' };
    const bob = { namespace: 'lab', agentId: 'bob' };
    const bobRecall = async () =>
      JSON.stringify((await engine.execute('recall items tagged vault', { context: bob })).result);
    const { memory } = await engine.storeMemory(alice, {
      content: NOTE.content,
      tags: NOTE.tags,
      accessLevel: 'shared',
      sharedWith: ['bob'],
    });
    expect(await bobRecall()).toContain(NOTE.content); // and now cached for bob

    const emptied = await engine.storeMemory(alice, { content: NOTE.content, sharedWith: [] });
    expect(emptied).toMatchObject({ created: false, memory: { id: memory.id, sharedWith: [], tags: ['vault'] } });
    expect(await bobRecall()).not.toContain(NOTE.content);
    await expect(engine.getMemory(bob, memory.id)).rejects.toMatchObject({ code: 'MEMORY_NOT_FOUND' });

    const widened = await engine.updateMemory(alice, memory.id, { accessLevel: 'team' });
    expect(widened).toMatchObject({ accessLevel: 'team', sharedWith: [], content: NOTE.content });
    expect(await bobRecall()).toContain(NOTE.content);
    await engine.storeMemory(alice, { content: NOTE.content, accessLevel: 'private' });
    expect(await bobRecall()).not.toContain(NOTE.content);

    await expect(engine.updateMemory(bob, memory.id, { accessLevel: 'public' })).rejects.toMatchObject({
      code: 'MEMORY_NOT_FOUND',
    });
    await expect(engine.updateMemory(alice, memory.id, {})).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(engine.updateMemory(alice, memory.id, { accessLevel: 'secret' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect((await engine.getMemory(alice, memory.id)).accessLevel).toBe('private');
  });

  it('over HTTP: PATCH /api/v1/memories/{id}, owner only, audited, and cached reads follow at once', async () => {
    const { base, as, recall, id, engine, app } = await serve();
    expect((await call(base, `/api/v1/memories/${id}`, as('bob'))).status).toBe(200);
    expect(await recall('bob')).toContain(NOTE.content);

    const bobTries = await call(base, `/api/v1/memories/${id}`, {
      method: 'PATCH',
      body: { access_level: 'public' },
      ...as('bob'),
    });
    expect(bobTries.status).toBe(404);
    const ritaTries = await call(base, `/api/v1/memories/${id}`, {
      method: 'PATCH',
      body: { access_level: 'private' },
      ...as('rita'),
    });
    expect(ritaTries.status).toBe(403);
    const typo = await call(base, `/api/v1/memories/${id}`, {
      method: 'PATCH',
      body: { acess_level: 'private' },
      ...as('alice'),
    });
    expect(typo.status).toBe(400);

    const narrowed = await call(base, `/api/v1/memories/${id}`, {
      method: 'PATCH',
      body: { access_level: 'private' },
      ...as('alice'),
    });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({ id, access_level: 'private', shared_with: [], content: NOTE.content });
    expect((await call(base, `/api/v1/memories/${id}`, as('bob'))).status).toBe(404);
    expect(await recall('bob')).not.toContain(NOTE.content);
    expect(await recall('alice')).toContain(NOTE.content);

    // A re-store with shared_with: [] after sharing again narrows the same way.
    await call(base, '/api/v1/memories', { body: NOTE, ...as('alice') });
    expect((await call(base, `/api/v1/memories/${id}`, as('bob'))).status).toBe(200);
    const restored = await call(base, '/api/v1/memories', {
      body: { content: NOTE.content, shared_with: [] },
      ...as('alice'),
    });
    expect(restored.body).toMatchObject({ created: false, memory: { id, shared_with: [] } });
    expect((await call(base, `/api/v1/memories/${id}`, as('bob'))).status).toBe(404);

    await app.close();
    const audit = await engine.auditTrail().query({ operation: 'memory.update', limit: 10 });
    // The refusal is counted (without the id asked for, which would make a row per id) and written at close.
    expect(audit.map((e) => [e.agentId, e.target, e.success, e.errorCode])).toEqual([
      ['rita', null, false, 'FORBIDDEN'],
      ['alice', id, true, null],
      ['bob', id, false, 'MEMORY_NOT_FOUND'],
    ]);
  });

  it('over MCP: update_memory', async () => {
    const { base, keys, as, recall, id } = await serve();
    expect(await recall('bob')).toContain(NOTE.content);
    const bobClient = await connectHttpMcp(base, keys['bob']);
    expect(await callTool(bobClient, 'update_memory', { id, access_level: 'public' })).toMatchObject({
      ok: false,
      error: { code: 'MEMORY_NOT_FOUND' },
    });
    const client = await connectHttpMcp(base, keys['alice']);
    const narrowed = await callTool(client, 'update_memory', { id, shared_with: [] });
    expect(narrowed).toMatchObject({ ok: true, value: { memory: { id, access_level: 'shared', shared_with: [] } } });
    expect(await recall('bob')).not.toContain(NOTE.content);
    expect((await call(base, `/api/v1/memories/${id}`, as('bob'))).status).toBe(404);
  });
});
