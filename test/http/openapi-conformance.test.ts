import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/security/auth-config.js';
import { startServeProcess } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/engine.js';
import { callTool, connectHttpMcp } from '../helpers/mcp.js';
import { call, type ApiResponse } from '../helpers/server.js';

// ajv-formats is CommonJS: its default export is the module object under NodeNext's typing.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;

type OpenApiDocument = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

const KEYS = {
  admin: 'tmws_openapi-conformance-admin-key-0123456789',
  reader: 'tmws_openapi-conformance-reader-key-012345678',
};

/**
 * Every reply of the real `serve` bin checked against the response schema its own
 * /openapi.json declares for that route and status (with ajv, as a client generated from
 * the document would expect), and every documented operation called at least once.
 */
class OpenApiChecker {
  readonly #ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #document: OpenApiDocument;
  readonly answered = new Set<string>();

  constructor(document: OpenApiDocument) {
    this.#document = document;
    this.#ajv.addSchema(document as object, 'openapi');
  }

  /** Documented operations ("METHOD /path/{param}") not yet answered with their first documented status (200, 201…). */
  unanswered(): string[] {
    return Object.entries(this.#document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .map(([method, { responses }]) => `${method.toUpperCase()} ${path} ${Object.keys(responses).sort()[0]}`)
        .filter((answer) => !this.answered.has(answer)),
    );
  }

  check(operation: string, reply: ApiResponse): ApiResponse {
    const [method, path] = operation.split(' ') as [string, string];
    const responses = this.#document.paths[path]?.[method.toLowerCase()]?.responses;
    expect(responses, `${operation} is documented`).toBeDefined();
    const status = String(reply.status);
    expect(Object.keys(responses!), `${operation} documents the ${status} it answered: ${reply.text}`).toContain(
      status,
    );
    const content = responses![status]!.content;
    if (content !== undefined) {
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      const validate = this.#validator(path, method, status);
      const valid = validate(JSON.parse(reply.text));
      expect(valid ? [] : validate.errors, `${operation} ${status}: ${reply.text.slice(0, 300)}`).toEqual([]);
    }
    this.answered.add(`${operation} ${status}`);
    return reply;
  }

  #validator(path: string, method: string, status: string): ValidateFunction {
    const pointer = ['paths', path, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema']
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    let validate = this.#validators.get(pointer);
    if (!validate) {
      validate = this.#ajv.getSchema(`openapi#/${pointer}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      this.#validators.set(pointer, validate);
    }
    return validate;
  }
}

describe('HTTP conformance: every route of the real serve bin answers what its OpenAPI document declares', () => {
  it('for each documented operation, with valid input and with the errors it documents', async () => {
    const dir = tempDir();
    const authFile = join(dir, 'auth.yaml');
    writeFileSync(
      authFile,
      [
        'api_keys:',
        `  - { id: zeus, sha256: ${hashApiKey(KEYS.admin)}, agent_id: zeus, namespace: olympus, role: admin }`,
        `  - { id: argus, sha256: ${hashApiKey(KEYS.reader)}, agent_id: argus, namespace: olympus, role: readonly }`,
        '',
      ].join('\n'),
    );
    const serve = await startServeProcess(['--db', join(dir, 'openapi.db'), 'serve', '--port', '0'], {
      TMWS_AUTH_FILE: authFile,
    });
    const document = (await call(serve.base, '/openapi.json')).body as unknown as OpenApiDocument;
    const checker = new OpenApiChecker(document);
    const as = (token: string) => (operation: string, path: string, body?: unknown) => {
      const method = operation.split(' ')[0]!;
      return call(serve.base, path, { method, token, ...(body !== undefined && { body }) }).then((reply) =>
        checker.check(operation, reply),
      );
    };
    const admin = as(KEYS.admin);
    const reader = as(KEYS.reader);

    checker.check('GET /health', await call(serve.base, '/health'));
    checker.check('GET /ready', await call(serve.base, '/ready'));

    const stored = await admin('POST /api/v1/memories', '/api/v1/memories', {
      content: 'connection pooling with pgbouncer cut auth-service latency',
      tags: ['performance'],
      importance: 0.9,
      access_level: 'team',
      metadata: { component: 'auth-service' },
    });
    expect(stored.status).toBe(201);
    const id = (stored.body['memory'] as { id: string }).id;
    const again = await admin('POST /api/v1/memories', '/api/v1/memories', {
      content: 'connection pooling with pgbouncer cut auth-service latency',
    });
    expect(again.body).toMatchObject({ created: false, memory: { id } });

    const search = 'POST /api/v1/memories/search';
    for (const mode of ['lexical', 'hybrid']) {
      const found = await admin(search, '/api/v1/memories/search', { query: 'pgbouncer pooling', mode });
      expect(found.body, mode).toMatchObject({ count: 1, memories: [{ id }] });
    }
    await admin(search, '/api/v1/memories/search', { tags: ['performance'], min_importance: 0.5, limit: 5 });
    await admin(search, '/api/v1/memories/search', { query: 'pgbouncer', since: '7d', until: 'tomorrow' });
    await admin(search, '/api/v1/memories/search', {});

    await admin('GET /api/v1/memories/{id}', `/api/v1/memories/${id}`);
    await admin('PATCH /api/v1/memories/{id}', `/api/v1/memories/${id}`, { importance: 0.8, expires_at: null });

    const execute = 'POST /api/v1/pattern/execute';
    for (const [query, mode] of [
      ['check database health', 'fast'],
      ['show stats', 'fast'],
      ['list patterns', 'fast'],
      ['calculate 2 + 3 * 4', 'fast'],
      ['save note: use pgbouncer in front of postgres', 'balanced'],
      ['recall items tagged performance', 'balanced'],
      ['recall items tagged performance', 'balanced'],
      ['show important memories', 'balanced'],
      ['find similar to connection pooling', 'comprehensive'],
      ['analyze performance patterns', 'comprehensive'],
      ['compare caching and pooling', 'comprehensive'],
      ['recent security decisions', 'comprehensive'],
      ['notes from the last 2 days', 'balanced'],
      ['how many notes are tagged performance?', 'balanced'],
      ['what tags exist?', 'balanced'],
    ]) {
      expect((await admin(execute, '/api/v1/pattern/execute', { query, mode })).status, query).toBe(200);
    }
    await admin('GET /api/v1/pattern/stats', '/api/v1/pattern/stats');
    await reader('GET /api/v1/whoami', '/api/v1/whoami');
    await admin('GET /api/v1/patterns', '/api/v1/patterns?type=memory');
    await admin('GET /api/v1/patterns/{name}', '/api/v1/patterns/recall_memory');
    const pattern = {
      name: 'audit_report',
      pattern_type: 'memory',
      trigger_pattern: String.raw`generate\s+audit\s+report`,
      cost_tokens: 120,
      priority: 8,
      metadata: { category: 'audit' },
    };
    expect((await admin('POST /api/v1/patterns', '/api/v1/patterns', pattern)).status).toBe(201);
    await admin('POST /api/v1/patterns/explain', '/api/v1/patterns/explain', { query: 'generate audit report' });
    await admin('DELETE /api/v1/patterns/{name}', '/api/v1/patterns/audit_report');
    await admin('GET /api/v1/audit', '/api/v1/audit?limit=5');
    await admin('DELETE /api/v1/memories/{id}', `/api/v1/memories/${id}`);

    // The errors each route documents, each a body of the Error schema.
    const errors: Array<[(typeof KEYS)[keyof typeof KEYS] | undefined, string, string, unknown, number]> = [
      [KEYS.admin, execute, '/api/v1/pattern/execute', { query: 'check health', mode: 'turbo' }, 400],
      [undefined, execute, '/api/v1/pattern/execute', { query: 'check health' }, 401],
      [KEYS.reader, execute, '/api/v1/pattern/execute', { query: 'save note: x' }, 403],
      [KEYS.admin, execute, '/api/v1/pattern/execute', { query: 'qwerty asdf' }, 404],
      [KEYS.admin, execute, '/api/v1/pattern/execute', { query: 'x'.repeat(2001) }, 413],
      [KEYS.admin, execute, '/api/v1/pattern/execute', { query: 'calculate 1/0' }, 422],
      [KEYS.admin, 'POST /api/v1/patterns', '/api/v1/patterns', pattern, 201],
      [KEYS.admin, 'POST /api/v1/patterns', '/api/v1/patterns', pattern, 409],
      [KEYS.reader, 'GET /api/v1/audit', '/api/v1/audit', undefined, 403],
      [KEYS.admin, 'GET /api/v1/memories/{id}', `/api/v1/memories/${id}`, undefined, 404],
      [KEYS.admin, 'GET /api/v1/patterns/{name}', '/api/v1/patterns/nope', undefined, 404],
    ];
    for (const [token, operation, path, body, status] of errors) {
      const method = operation.split(' ')[0]!;
      const reply = await call(serve.base, path, {
        method,
        ...(token !== undefined && { token }),
        ...(body !== undefined && { body }),
      });
      expect(reply.status, `${operation} ${JSON.stringify(body)?.slice(0, 60)}`).toBe(status);
      checker.check(operation, reply);
    }
    // The deleted memory's history, and undoing the delete and a change.
    await admin('GET /api/v1/memories/{id}/history', `/api/v1/memories/${id}/history`);
    await admin('POST /api/v1/memories/{id}/restore', `/api/v1/memories/${id}/restore`, {});
    await admin('PATCH /api/v1/memories/{id}', `/api/v1/memories/${id}`, { importance: 0.2 });
    await admin('POST /api/v1/memories/{id}/restore', `/api/v1/memories/${id}/restore`, { version: 1 });

    // MCP over Streamable HTTP: a JSON-RPC answer to POST; no stream to GET or DELETE (405).
    const mcp = await connectHttpMcp(serve.base, KEYS.admin);
    const viaMcp = await callTool(mcp, 'search_memories', { query: 'pgbouncer postgres', mode: 'hybrid' });
    const viaHttp = await admin(search, '/api/v1/memories/search', { query: 'pgbouncer postgres', mode: 'hybrid' });
    expect(viaMcp.ok).toBe(true);
    if (viaMcp.ok) {
      const keys = (reply: Record<string, unknown>) =>
        (reply['memories'] as object[]).map((m) => Object.keys(m).sort());
      // HTTP and MCP send the same fields: HTTP's serializer used to drop what MCP sent.
      expect(keys(viaHttp.body)).toEqual(keys(viaMcp.value));
      expect(keys(viaHttp.body)[0]).toContain('exact');
    }
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'openapi-test', version: '1' } },
    };
    checker.check(
      'POST /mcp',
      await call(serve.base, '/mcp', {
        body: initialize,
        token: KEYS.admin,
        headers: { accept: 'application/json, text/event-stream' },
      }),
    );
    checker.check('GET /mcp', await call(serve.base, '/mcp', { token: KEYS.admin }));
    checker.check('DELETE /mcp', await call(serve.base, '/mcp', { method: 'DELETE', token: KEYS.admin }));

    expect(checker.unanswered(), 'documented operations never answered with their first documented status').toEqual([]);
    expect(serve.stderr()).not.toMatch(/"level":50/);
  }, 60_000);
});
