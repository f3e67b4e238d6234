import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/index.js';
import { connectHttpMcp } from '../helpers/mcp.js';
import { startTestServer } from '../helpers/server.js';

const HTTP_RUNS = 2000;
const MCP_RUNS = 600;
const scope = { namespace: 'default', agentId: 'default', admin: true };

const queries = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    'save note: fuzz',
    'recall memories',
    'check health',
    'store',
    'calculate 1/0',
    'recall items tagged x',
    'run tool x',
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const contexts = fc.oneof(
  fc.dictionary(
    fc.constantFrom(
      'tags',
      'importance',
      'access_level',
      'expires_at',
      'agent_id',
      'namespace',
      'limit',
      'content',
      'plan',
      '__proto__',
    ),
    fc.jsonValue({ maxDepth: 3 }),
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const structured = fc.record(
  {
    query: queries,
    mode: fc.oneof(fc.constantFrom('fast', 'balanced', 'comprehensive'), fc.string({ maxLength: 12 })),
    use_cache: fc.oneof(fc.boolean(), fc.string({ maxLength: 4 })),
    context: contexts,
    content: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 })),
    tags: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })),
    limit: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.string({ maxLength: 4 })),
  },
  { requiredKeys: [] },
);
const bodies = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 120 }),
  structured.map((value) => JSON.stringify(value)),
);
const paths = fc.oneof(
  fc.constantFrom(
    '/api/v1/pattern/execute',
    '/api/v1/pattern/stats',
    '/api/v1/patterns',
    '/api/v1/patterns/explain',
    '/api/v1/memories',
    '/api/v1/memories/search',
    '/api/v1/audit',
    '/mcp',
    '/health',
    '/ready',
  ),
  fc
    .tuple(
      fc.constantFrom(
        '/api/v1/memories/',
        '/api/v1/patterns/',
        '/api/v1/audit?limit=',
        '/api/v1/patterns?type=',
        '/api/v1/',
      ),
      fc.string({ maxLength: 60 }),
    )
    .map(([prefix, rest]) => prefix + encodeURIComponent(rest)),
);
const requests = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
  path: paths,
  body: bodies,
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined),
});

describe('fuzz (bounded)', () => {
  it(`survives ${HTTP_RUNS} generated HTTP requests: never a 5xx, every 4xx coded, no write on rejection`, async () => {
    const { base, engine } = await startTestServer();
    await fc.assert(
      fc.asyncProperty(requests, async ({ method, path, body, contentType }) => {
        const before = await engine.countMemories(scope);
        const version = engine.registry.version;
        const withBody = body !== undefined && method !== 'GET';
        const response = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...(contentType !== undefined && withBody && { 'content-type': contentType }),
            accept: 'application/json, text/event-stream',
          },
          ...(withBody && { body }),
        });
        const text = await response.text();
        expect(response.status, `${method} ${path} ${String(body)} → ${text}`).toBeLessThan(500);
        if (response.status >= 400 && !path.startsWith('/mcp')) {
          const error = JSON.parse(text) as { code: string; message: string };
          expect(Object.keys(ERROR_CODES)).toContain(error.code);
          expect(error.message.length).toBeGreaterThan(0);
          expect(await engine.countMemories(scope), `${method} ${path} wrote while refused`).toBe(before);
          expect(engine.registry.version).toBe(version);
        }
      }),
      { numRuns: HTTP_RUNS, seed: 20_260_101 },
    );
    expect((await fetch(`${base}/health`)).status).toBe(200);
  }, 120_000);

  it(`survives ${MCP_RUNS} generated MCP tool calls: every failure a tool error with a code`, async () => {
    const { base, engine } = await startTestServer();
    const client = await connectHttpMcp(base);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    const calls = fc.record({
      name: fc.oneof(fc.constantFrom(...tools), fc.string({ maxLength: 12 })),
      args: fc.oneof(structured, fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }))),
    });
    await fc.assert(
      fc.asyncProperty(calls, async ({ name, args }) => {
        const before = await engine.countMemories(scope);
        let result;
        try {
          result = await client.callTool({ name, arguments: args as Record<string, unknown> });
        } catch (error) {
          const message = (error as Error).message;
          // Two refusals come back as exceptions rather than tool errors: an unknown tool (a
          // protocol error, -32602), and a body the HTTP layer refuses before MCP sees it
          // (keys named __proto__), which carries its code in a 400.
          if ((error as { code?: number }).code === 400) {
            expect(message).toContain('"code":"VALIDATION_ERROR"');
            expect(message).toContain('prototype');
            expect(await engine.countMemories(scope)).toBe(before);
            return;
          }
          expect(tools).not.toContain(name);
          expect((error as { code?: number }).code).toBe(-32602);
          return;
        }
        if (result.isError) {
          const body = JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as { code: string };
          expect(Object.keys(ERROR_CODES)).toContain(body.code);
          expect(body.code).not.toBe('INTERNAL');
          expect(await engine.countMemories(scope), `${name} wrote while refused`).toBe(before);
        }
      }),
      { numRuns: MCP_RUNS, seed: 20_260_102 },
    );
  }, 120_000);
});
