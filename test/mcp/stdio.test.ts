import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/engine.js';
import { callTool, connectStdioMcp } from '../helpers/mcp.js';

const EXPECTED_TOOLS = [
  'execute_pattern',
  'store_memory',
  'search_memories',
  'get_memory',
  'update_memory',
  'delete_memory',
  'memory_history',
  'restore_memory',
  'get_stats',
  'list_patterns',
  'register_pattern',
  'explain_query',
];

describe('MCP over stdio (the built CLI, through the SDK client)', () => {
  it('lists every tool with input and output schemas and annotations, and the resources', async () => {
    const { client } = await connectStdioMcp(['--db', ':memory:', 'mcp']);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(EXPECTED_TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.description?.length).toBeGreaterThan(20);
      expect(typeof tool.annotations?.readOnlyHint).toBe('boolean');
      expect(typeof tool.annotations?.destructiveHint).toBe('boolean');
      expect(typeof tool.annotations?.idempotentHint).toBe('boolean');
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('search_memories')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get('delete_memory')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('execute_pattern')?.inputSchema).toMatchObject({
      properties: { query: { type: 'string', maxLength: 2000 }, mode: { enum: ['fast', 'balanced', 'comprehensive'] } },
      required: ['query'],
    });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['tmws://stats', 'tmws://patterns']);
  });

  it('runs the seed flow: store, recall (then cached), analyze, stats — as the local agent', async () => {
    const db = join(tempDir(), 'mcp.db');
    const { client, stderr } = await connectStdioMcp(['--db', db, '--agent', 'artemis', '--namespace', 'lab', 'mcp']);
    const stored = await callTool(client, 'execute_pattern', {
      query: 'store optimization result for auth-service',
      context: { agent: 'artemis', component: 'auth-service', plan: { pool: 20 } },
    });
    expect(stored).toMatchObject({ ok: true, value: { pattern: 'store_memory', success: true } });
    if (!stored.ok) return;
    expect(stored.value['metadata']).toMatchObject({ agent_id: 'artemis', namespace: 'lab' });

    const recall = await callTool(client, 'execute_pattern', {
      query: 'recall optimization patterns for auth-service',
    });
    expect(recall).toMatchObject({ ok: true, value: { pattern: 'recall_memory', cache_hit: false } });
    const cached = await callTool(client, 'execute_pattern', {
      query: 'recall optimization patterns for auth-service',
    });
    expect(cached).toMatchObject({ ok: true, value: { cache_hit: true, tokens_used: 0 } });

    const analyze = await callTool(client, 'execute_pattern', {
      query: 'analyze auth-service performance',
      mode: 'comprehensive',
    });
    expect(analyze).toMatchObject({ ok: true, value: { pattern: 'semantic_analysis' } });

    const direct = await callTool(client, 'store_memory', {
      content: 'pool size 20 fixed the latency',
      tags: ['auth-service'],
    });
    expect(direct).toMatchObject({ ok: true, value: { created: true } });
    const search = await callTool(client, 'search_memories', { query: 'latency pool', mode: 'hybrid' });
    expect(search).toMatchObject({
      ok: true,
      value: { count: 1, memories: [{ content: 'pool size 20 fixed the latency' }] },
    });
    const all = await callTool(client, 'search_memories', {});
    expect(all).toMatchObject({ ok: true, value: { count: 2 } });

    const stats = await callTool(client, 'get_stats');
    expect(stats).toMatchObject({ ok: true, value: { total_executions: 4, cache_hits: 1 } });
    const resource = await client.readResource({ uri: 'tmws://stats' });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ total_executions: 4 });
    const patterns = await client.readResource({ uri: 'tmws://patterns' });
    expect((JSON.parse((patterns.contents[0] as { text: string }).text) as unknown[]).length).toBe(25);
    // stdout is the protocol: nothing else may be written there, and nothing went wrong on stderr.
    expect(stderr()).not.toMatch(/error/i);
  });

  it('registers and explains patterns, and answers every bad input with a coded tool error', async () => {
    const { client } = await connectStdioMcp(['--db', ':memory:', 'mcp']);
    const registered = await callTool(client, 'register_pattern', {
      pattern: {
        name: 'audit_report',
        pattern_type: 'memory',
        trigger_pattern: String.raw`generate\s+audit\s+report`,
        cost_tokens: 120,
        priority: 8,
      },
    });
    expect(registered).toMatchObject({
      ok: true,
      value: { pattern: { name: 'audit_report', required_role: 'readonly' } },
    });
    const explained = await callTool(client, 'explain_query', { query: 'generate audit report' });
    expect(explained).toMatchObject({
      ok: true,
      value: { pattern: 'audit_report', matched: { pattern: 'audit_report' } },
    });

    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['execute_pattern', {}, 'VALIDATION_ERROR'],
      ['execute_pattern', { query: 42 }, 'VALIDATION_ERROR'],
      ['execute_pattern', { query: 'check health', mode: 'turbo' }, 'VALIDATION_ERROR'],
      ['execute_pattern', { query: 'x'.repeat(2001) }, 'PAYLOAD_TOO_LARGE'],
      ['execute_pattern', { query: 'save note: x', context: { agent_id: 'mallory' } }, 'FORBIDDEN'],
      ['execute_pattern', { query: 'save note: x', context: { blob: 'x'.repeat(70_000) } }, 'PAYLOAD_TOO_LARGE'],
      ['execute_pattern', { query: 'calculate 1/0' }, 'EXECUTION_FAILED'],
      ['execute_pattern', { query: 'qwerty asdf' }, 'PATTERN_NOT_FOUND'],
      ['store_memory', { content: '' }, 'VALIDATION_ERROR'],
      ['store_memory', { content: 'x', importance: 7 }, 'VALIDATION_ERROR'],
      ['search_memories', { limit: 'ten' }, 'VALIDATION_ERROR'],
      ['get_memory', { id: '00000000-0000-4000-8000-000000000000' }, 'MEMORY_NOT_FOUND'],
      ['get_memory', { id: 'not an id' }, 'VALIDATION_ERROR'],
      [
        'register_pattern',
        { pattern: { name: 'bad', pattern_type: 'memory', trigger_pattern: '(?=x)', cost_tokens: 1 } },
        'UNSAFE_PATTERN',
      ],
      [
        'register_pattern',
        { pattern: { name: 'audit_report', pattern_type: 'memory', trigger_pattern: 'x', cost_tokens: 1 } },
        'PATTERN_CONFLICT',
      ],
      ['list_patterns', { type: 'quantum' }, 'VALIDATION_ERROR'],
      ['get_stats', { extra: true }, 'VALIDATION_ERROR'],
    ];
    for (const [tool, args, code] of cases) {
      const result = await callTool(client, tool, args);
      expect(result, `${tool} ${JSON.stringify(args).slice(0, 80)}`).toMatchObject({ ok: false, error: { code } });
      if (!result.ok) expect(result.error.message.length).toBeGreaterThan(10);
    }
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool/);
    const stats = await callTool(client, 'search_memories', {});
    expect(stats).toMatchObject({ ok: true, value: { count: 0 } });
  });

  it('limits a readonly local agent', async () => {
    const { client } = await connectStdioMcp(['--db', ':memory:', 'mcp', '--role', 'readonly']);
    expect(await callTool(client, 'store_memory', { content: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await callTool(client, 'execute_pattern', { query: 'recall memories' })).toMatchObject({ ok: true });
  });
});
