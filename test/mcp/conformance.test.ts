import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { startServeProcess } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/engine.js';
import { connectHttpMcp, connectStdioMcp } from '../helpers/mcp.js';

/**
 * What a real MCP client does: list the tools first (the SDK client checks every tool's
 * structuredContent against its declared output schema only once it has listed them, and
 * answers a mismatch with -32602), then call them. Every tool is called with valid input, in
 * every search and execution mode, on the real bins over stdio and Streamable HTTP.
 */
async function callEveryTool(client: Client): Promise<Map<string, number>> {
  const { tools } = await client.listTools();
  const calls = new Map<string, number>(tools.map((tool) => [tool.name, 0]));
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const label = `${name} ${JSON.stringify(args)}`;
    // A mismatch with the output schema rejects here (McpError -32602), failing the test with its message.
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    calls.set(name, (calls.get(name) ?? 0) + 1);
    const text = result.content.find((c) => c.type === 'text')?.text ?? '';
    expect(result.isError, `${label}: ${text}`).toBeFalsy();
    expect(JSON.parse(text), label).toEqual(result.structuredContent);
    return result.structuredContent!;
  };

  const stored = await call('store_memory', {
    content: 'connection pooling with pgbouncer cut auth-service latency',
    tags: ['performance', 'database'],
    importance: 0.9,
    access_level: 'team',
    metadata: { component: 'auth-service' },
  });
  const id = (stored['memory'] as { id: string }).id;
  await call('store_memory', {
    content: 'cache warming before deploys keeps p95 flat',
    tags: ['caching'],
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
  });

  for (const mode of ['lexical', 'hybrid'] as const) {
    const found = await call('search_memories', { query: 'pgbouncer pooling', mode });
    expect(found, mode).toMatchObject({ count: 1, memories: [{ id }] });
    await call('search_memories', { mode, min_importance: 0.5, limit: 5 });
    await call('search_memories', { query: 'pgbouncer', mode, since: '7d', until: '2099-01-01', timezone: 'UTC' });
  }
  await call('search_memories', { tags: ['performance'] });
  await call('search_memories', {});

  await call('get_memory', { id });
  await call('update_memory', { id, importance: 0.7, tags: ['performance'], expires_at: null });

  const executions: Array<[string, string]> = [
    ['check database health', 'fast'],
    ['show stats', 'fast'],
    ['list patterns', 'fast'],
    ['calculate 2 + 3 * 4', 'fast'],
    ['store optimization result for auth-service', 'balanced'],
    ['save note: use pgbouncer in front of postgres', 'balanced'],
    ['recall items tagged performance', 'balanced'],
    ['recall optimization patterns for auth-service', 'balanced'],
    ['show important memories', 'balanced'],
    ['what did we decide about connection pooling?', 'balanced'],
    ['recall memories', 'comprehensive'],
    ['find similar to connection pooling', 'comprehensive'],
    ['analyze performance patterns', 'comprehensive'],
    ['compare caching and pooling', 'comprehensive'],
    ['recent security decisions', 'comprehensive'],
    ['notes from the last 2 days', 'balanced'],
    ['how many notes are tagged performance?', 'balanced'],
    ['what tags exist?', 'balanced'],
    ['the 2 newest notes about pgbouncer', 'balanced'],
    ['rename tag conformance to checked', 'balanced'],
    ['forget the note about cache warming', 'balanced'],
  ];
  for (const [query, mode] of executions) {
    const executed = await call('execute_pattern', { query, mode, context: { tags: ['conformance'] } });
    expect(executed, `${query} (${mode})`).toMatchObject({ success: true });
  }
  // Cached replies are frozen objects converted once: they must match the schema as well.
  await call('execute_pattern', { query: 'recall items tagged performance' });

  for (const mode of ['fast', 'balanced', 'comprehensive'])
    await call('explain_query', { query: 'recall memories', mode });
  await call('get_stats');
  await call('list_patterns');
  await call('list_patterns', { type: 'hybrid' });
  await call('register_pattern', {
    pattern: {
      name: 'audit_report',
      pattern_type: 'memory',
      trigger_pattern: String.raw`generate\s+audit\s+report`,
      cost_tokens: 120,
      priority: 8,
      cache_ttl: 60,
      metadata: { category: 'audit' },
    },
  });
  await call('execute_pattern', { query: 'generate audit report' });
  await call('delete_memory', { id });
  const history = await call('memory_history', { id });
  expect(history).toMatchObject({ id, versions: [{ change: 'delete' }, { change: 'update' }] });
  await call('restore_memory', { id });
  await call('update_memory', { id, importance: 0.3 });
  await call('restore_memory', { id, version: 2 });
  return calls;
}

function expectEveryToolCalled(calls: Map<string, number>): void {
  expect(calls.size).toBe(12);
  expect([...calls].filter(([, count]) => count === 0).map(([name]) => name)).toEqual([]);
}

describe('MCP conformance: the SDK client lists, then calls every tool, on the real bins', () => {
  it('over stdio (tmws-patterns mcp)', async () => {
    const db = join(tempDir(), 'conformance.db');
    const { client, stderr } = await connectStdioMcp(['--db', db, 'mcp']);
    expectEveryToolCalled(await callEveryTool(client));
    expect(stderr()).not.toMatch(/error/i);
  }, 60_000);

  it('over Streamable HTTP (tmws-patterns serve, /mcp)', async () => {
    const db = join(tempDir(), 'conformance.db');
    const serve = await startServeProcess(['--db', db, 'serve', '--port', '0']);
    const client = await connectHttpMcp(serve.base);
    expectEveryToolCalled(await callEveryTool(client));
    expect(serve.stderr()).not.toMatch(/error/i);
  }, 60_000);
});
