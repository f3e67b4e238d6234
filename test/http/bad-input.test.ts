import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/index.js';
import { call, startTestServer, type TestServer } from '../helpers/server.js';

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  message?: RegExp;
}

const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { leaf: 1 } : { a: nested(depth - 1) });
const EXECUTE = '/api/v1/pattern/execute';

/** Runs each case against the server and checks status, code, message and that nothing was written. */
async function expectRejected(server: TestServer, cases: readonly Case[]): Promise<void> {
  const { base, engine } = server;
  const scope = { namespace: 'default', agentId: 'default', admin: true };
  for (const c of cases) {
    const memoriesBefore = await engine.countMemories(scope);
    const patternsBefore = engine.registry.version;
    const response = await call(base, c.path, {
      ...(c.method !== undefined && { method: c.method }),
      ...(c.body !== undefined && { body: c.body }),
      ...(c.headers !== undefined && { headers: c.headers }),
    });
    expect(response.status, `${c.name}: ${response.text}`).toBe(c.status);
    expect(response.body['code'], c.name).toBe(c.code);
    expect(ERROR_CODES[c.code as keyof typeof ERROR_CODES].status, c.name).toBe(c.status);
    expect(String(response.body['message']).length, c.name).toBeGreaterThan(10);
    if (c.message) expect(response.body['message'], c.name).toMatch(c.message);
    expect(await engine.countMemories(scope), `${c.name} wrote a memory`).toBe(memoriesBefore);
    expect(engine.registry.version, `${c.name} changed the patterns`).toBe(patternsBefore);
  }
  expect((await call(base, '/health')).status).toBe(200);
}

describe('bad input over HTTP: every case a clear 4xx, nothing written', () => {
  it('execute', async () => {
    const server = await startTestServer();
    await expectRejected(server, [
      { name: 'malformed JSON', path: EXECUTE, body: '{bad', status: 400, code: 'VALIDATION_ERROR', message: /JSON/ },
      { name: 'truncated JSON', path: EXECUTE, body: '{"query": "store x"', status: 400, code: 'VALIDATION_ERROR' },
      { name: 'empty JSON body', path: EXECUTE, body: '', status: 400, code: 'VALIDATION_ERROR' },
      { name: 'array body', path: EXECUTE, body: [], status: 400, code: 'VALIDATION_ERROR', message: /body/ },
      { name: 'string body', path: EXECUTE, body: '"save note: x"', status: 400, code: 'VALIDATION_ERROR' },
      { name: 'null body', path: EXECUTE, body: 'null', status: 400, code: 'VALIDATION_ERROR' },
      { name: 'missing query', path: EXECUTE, body: {}, status: 400, code: 'VALIDATION_ERROR', message: /body\.query/ },
      {
        name: 'query number',
        path: EXECUTE,
        body: { query: 123 },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /body\.query/,
      },
      {
        name: 'mode number',
        path: EXECUTE,
        body: { query: 'check health', mode: 5 },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'unknown mode',
        path: EXECUTE,
        body: { query: 'check health', mode: 'turbo' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /fast.*balanced.*comprehensive/,
      },
      {
        name: 'use_cache string',
        path: EXECUTE,
        body: { query: 'check health', use_cache: 'yes' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /use_cache/,
      },
      {
        name: 'unknown field',
        path: EXECUTE,
        body: { query: 'check health', usecache: false },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /usecache/,
      },
      {
        name: 'context array',
        path: EXECUTE,
        body: { query: 'save note: x', context: [] },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'context null',
        path: EXECUTE,
        body: { query: 'save note: x', context: null },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'oversized query',
        path: EXECUTE,
        body: { query: `save note: ${'x'.repeat(2000)}` },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: /2000/,
      },
      {
        name: 'blank query',
        path: EXECUTE,
        body: { query: '   ' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /empty/,
      },
      {
        name: 'NUL in query',
        path: EXECUTE,
        body: { query: 'save note: a\u0000b' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /NUL/,
      },
      {
        name: 'context too deep',
        path: EXECUTE,
        body: { query: 'save note: x', context: nested(10) },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /deeper/,
      },
      {
        name: 'context too big',
        path: EXECUTE,
        body: { query: 'save note: x', context: { blob: 'x'.repeat(70_000) } },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: /65536/,
      },
      {
        name: 'body over the limit',
        path: EXECUTE,
        body: { query: 'save note: x', context: { blob: 'x'.repeat(200_000) } },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: /^Request body is over the limit of 131072 bytes; send a smaller body$/,
      },
      {
        name: 'text/plain',
        path: EXECUTE,
        body: 'save note: x',
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: /^Content-Type 'text\/plain' is not accepted; send Content-Type: application\/json$/,
      },
      {
        name: 'tags not a list',
        path: EXECUTE,
        body: { query: 'save note: x', context: { tags: 'a' } },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /tags/,
      },
      {
        name: 'importance 2',
        path: EXECUTE,
        body: { query: 'save note: x', context: { importance: 2 } },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /importance/,
      },
      {
        name: 'expiry in the past',
        path: EXECUTE,
        body: { query: 'save note: x', context: { expires_at: '2001-01-01T00:00:00Z' } },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /future/,
      },
      {
        name: 'limit 1000',
        path: EXECUTE,
        body: { query: 'recall memories', context: { limit: 1000 } },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /limit/,
      },
      {
        name: 'another agent',
        path: EXECUTE,
        body: { query: 'save note: x', context: { agent_id: 'mallory' } },
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: 'another namespace',
        path: EXECUTE,
        body: { query: 'save note: x', context: { namespace: 'other' } },
        status: 403,
        code: 'FORBIDDEN',
      },
      {
        name: 'prototype poisoning',
        path: EXECUTE,
        body: '{"query":"save note: x","__proto__":{"admin":true}}',
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'nothing to store',
        path: EXECUTE,
        body: { query: 'store' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /content/,
      },
      {
        name: 'unmatched query',
        path: EXECUTE,
        body: { query: 'qwerty asdf' },
        status: 404,
        code: 'PATTERN_NOT_FOUND',
      },
      {
        name: 'write in fast mode',
        path: EXECUTE,
        body: { query: 'save note: x', mode: 'fast' },
        status: 404,
        code: 'PATTERN_NOT_FOUND',
        message: /BALANCED/,
      },
      { name: 'unknown tool', path: EXECUTE, body: { query: 'run tool rm' }, status: 404, code: 'TOOL_NOT_FOUND' },
    ]);
  });

  it('memories', async () => {
    const server = await startTestServer();
    const other = await server.engine.storeMemory(
      { namespace: 'default', agentId: 'someone-else' },
      { content: 'private' },
    );
    const M = '/api/v1/memories';
    await expectRejected(server, [
      { name: 'missing content', path: M, body: {}, status: 400, code: 'VALIDATION_ERROR', message: /content/ },
      {
        name: 'blank content',
        path: M,
        body: { content: '  ' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /empty/,
      },
      {
        name: 'oversized content',
        path: M,
        body: { content: 'x'.repeat(40_000) },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'too many tags',
        path: M,
        body: { content: 'x', tags: Array.from({ length: 40 }, (_, i) => `t${i}`) },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'tag with spaces',
        path: M,
        body: { content: 'x', tags: ['two words'] },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /tags/,
      },
      {
        name: 'negative importance',
        path: M,
        body: { content: 'x', importance: -1 },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'unknown access level',
        path: M,
        body: { content: 'x', access_level: 'secret' },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'bad shared_with id',
        path: M,
        body: { content: 'x', shared_with: ['bad id!'] },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'expires_at not ISO',
        path: M,
        body: { content: 'x', expires_at: 'tomorrow' },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'expires_at past',
        path: M,
        body: { content: 'x', expires_at: '2001-01-01T00:00:00Z' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /future/,
      },
      {
        name: 'metadata too deep',
        path: M,
        body: { content: 'x', metadata: nested(12) },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /deeper/,
      },
      {
        name: 'metadata too big',
        path: M,
        body: { content: 'x', metadata: { blob: 'x'.repeat(70_000) } },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'agent_id in body',
        path: M,
        body: { content: 'x', agent_id: 'mallory' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /agent_id/,
      },
      { name: 'search limit 0', path: `${M}/search`, body: { limit: 0 }, status: 400, code: 'VALIDATION_ERROR' },
      {
        name: 'search unknown mode',
        path: `${M}/search`,
        body: { mode: 'semantic' },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      {
        name: 'hybrid with tags',
        path: `${M}/search`,
        body: { mode: 'hybrid', tags: ['a'] },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /lexical/,
      },
      {
        name: 'search query too long',
        path: `${M}/search`,
        body: { query: 'x'.repeat(2001) },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      { name: "another agent's memory", path: `${M}/${other.memory.id}`, status: 404, code: 'MEMORY_NOT_FOUND' },
      {
        name: "deleting another agent's memory",
        method: 'DELETE',
        path: `${M}/${other.memory.id}`,
        status: 404,
        code: 'MEMORY_NOT_FOUND',
      },
      { name: 'unknown id', path: `${M}/00000000-0000-4000-8000-000000000000`, status: 404, code: 'MEMORY_NOT_FOUND' },
      {
        name: 'malformed id',
        path: `${M}/${encodeURIComponent("1' OR '1'='1")}`,
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      { name: 'oversized id', path: `${M}/${'a'.repeat(300)}`, status: 400, code: 'VALIDATION_ERROR' },
    ]);
    expect(await server.engine.countMemories({ namespace: 'default', agentId: 'someone-else' })).toBe(1);
  });

  it('patterns, explain, audit and routing', async () => {
    const server = await startTestServer();
    const P = '/api/v1/patterns';
    const valid = { name: 'my_pattern', pattern_type: 'memory', trigger_pattern: 'my\\s+thing', cost_tokens: 10 };
    await expectRejected(server, [
      {
        name: 'missing fields',
        path: P,
        body: { name: 'x' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /pattern_type/,
      },
      { name: 'bad type', path: P, body: { ...valid, pattern_type: 'quantum' }, status: 400, code: 'VALIDATION_ERROR' },
      { name: 'uppercase name', path: P, body: { ...valid, name: 'MyPattern' }, status: 400, code: 'VALIDATION_ERROR' },
      { name: 'negative cost', path: P, body: { ...valid, cost_tokens: -5 }, status: 400, code: 'VALIDATION_ERROR' },
      {
        name: 'lookahead trigger',
        path: P,
        body: { ...valid, trigger_pattern: '(?!x)y' },
        status: 400,
        code: 'UNSAFE_PATTERN',
      },
      {
        name: 'backreference trigger',
        path: P,
        body: { ...valid, trigger_pattern: '(a)\\1' },
        status: 400,
        code: 'UNSAFE_PATTERN',
      },
      {
        name: 'invalid regex',
        path: P,
        body: { ...valid, trigger_pattern: '(' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /regular expression/,
      },
      {
        name: 'oversized trigger',
        path: P,
        body: { ...valid, trigger_pattern: 'a'.repeat(1001) },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'unknown action',
        path: P,
        body: { ...valid, action: 'rm_rf' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /action/,
      },
      {
        name: 'action of another type',
        path: P,
        body: { ...valid, action: 'health' },
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /infrastructure/,
      },
      {
        name: 'bad rate limit',
        path: P,
        body: { ...valid, rate_limit: { requests: 0, per_seconds: 1 } },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      { name: 'taken name', path: P, body: { ...valid, name: 'health_check' }, status: 409, code: 'PATTERN_CONFLICT' },
      {
        name: 'bad replace flag',
        path: `${P}?replace=maybe`,
        body: valid,
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /replace/,
      },
      { name: 'unknown pattern', path: `${P}/no_such_pattern`, status: 404, code: 'UNKNOWN_PATTERN' },
      {
        name: 'delete unknown pattern',
        method: 'DELETE',
        path: `${P}/no_such_pattern`,
        status: 404,
        code: 'UNKNOWN_PATTERN',
      },
      { name: 'list unknown type', path: `${P}?type=quantum`, status: 400, code: 'VALIDATION_ERROR' },
      { name: 'explain without query', path: `${P}/explain`, body: {}, status: 400, code: 'VALIDATION_ERROR' },
      {
        name: 'explain unknown mode',
        path: `${P}/explain`,
        body: { query: 'x', mode: 'hybrid' },
        status: 400,
        code: 'VALIDATION_ERROR',
      },
      { name: 'audit limit not a number', path: '/api/v1/audit?limit=abc', status: 400, code: 'VALIDATION_ERROR' },
      { name: 'audit limit too high', path: '/api/v1/audit?limit=5000', status: 400, code: 'VALIDATION_ERROR' },
      {
        name: 'audit bad date',
        path: '/api/v1/audit?since=yesterday',
        status: 400,
        code: 'VALIDATION_ERROR',
        message: /since/,
      },
      { name: 'audit unknown parameter', path: '/api/v1/audit?drop=table', status: 400, code: 'VALIDATION_ERROR' },
      { name: 'unknown route', path: '/api/v2/anything', status: 404, code: 'ROUTE_NOT_FOUND' },
      {
        name: 'wrong method',
        method: 'PUT',
        path: EXECUTE,
        body: { query: 'x' },
        status: 404,
        code: 'ROUTE_NOT_FOUND',
      },
    ]);
  });
});
