import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PatternDefinition, PatternRegistry, readPatternFiles, ValidationError } from '../../src/index.js';
import { createTestEngine, tempDir } from '../helpers/engine.js';
import { callTool, connectHttpMcp } from '../helpers/mcp.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';

/** `{a: {a: … {} …}}`, `levels` objects deep, built without recursion. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** `{a: [[… [] …]]}`: `levels` deep in all, two bytes of JSON a level. */
function nestedArrays(levels: number): Record<string, unknown> {
  let value: unknown[] = [];
  for (let i = 2; i < levels; i++) value = [value];
  return { a: value };
}

const DEEP = 2500;

function config(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    pattern_type: 'memory',
    trigger_pattern: String.raw`\boptimi[sz]e\s+(database|query|index)\b`,
    cost_tokens: 120,
    ...extra,
  };
}

const team = [
  { agentId: 'boss', namespace: 'ops', role: 'admin' },
  { agentId: 'artemis', namespace: 'lab', role: 'agent' },
] as const;

describe('pattern configs are bounded before anything is registered', () => {
  it('refuse a 2,500-level metadata over HTTP with VALIDATION_ERROR, register nothing, and keep serving everyone', async () => {
    const { auth, keys } = apiKeysFor(team);
    const { base, engine } = await startTestServer({ auth });
    const boss = { token: keys['boss']! };
    const artemis = { token: keys['artemis']! };
    const body = JSON.stringify(config('deep_metadata', { metadata: nestedArrays(DEEP) }));
    expect(body.length).toBeLessThan(6_000); // a 5 KB request

    const refused = await call(base, '/api/v1/patterns', { body, ...boss });
    expect(refused.status).toBe(400);
    expect(refused.body['code']).toBe('VALIDATION_ERROR');
    expect(refused.body['message']).toBe(
      `Pattern 'deep_metadata' is invalid: metadata.a${'[0]'.repeat(7)}: nested deeper than 8 levels`,
    );
    expect(engine.registry.has('deep_metadata')).toBe(false);
    expect((await call(base, '/api/v1/patterns/deep_metadata', boss)).status).toBe(404);

    // Every other request is still served, in every namespace, cached executions included.
    for (const who of [boss, artemis]) {
      for (let i = 0; i < 2; i++) {
        const executed = await call(base, '/api/v1/pattern/execute', { body: { query: 'recall memories' }, ...who });
        expect(executed.status).toBe(200);
        expect(executed.body['cache_hit']).toBe(i === 1);
      }
    }
    const listed = await call(base, '/api/v1/patterns', artemis);
    expect(listed.status).toBe(200);
    expect((listed.body['patterns'] as Array<{ name: string }>).map((p) => p.name)).not.toContain('deep_metadata');
    const client = await connectHttpMcp(base, keys['artemis']);
    expect((await callTool(client, 'list_patterns')).ok).toBe(true);

    // The name is free: the same pattern with sensible metadata registers (no PATTERN_CONFLICT).
    const fine = await call(base, '/api/v1/patterns', {
      body: config('deep_metadata', { metadata: { category: 'optimization' } }),
      ...boss,
    });
    expect(fine.status).toBe(201);
  });

  it('refuse the same over MCP', async () => {
    const { auth, keys } = apiKeysFor(team);
    const { base, engine } = await startTestServer({ auth });
    const client = await connectHttpMcp(base, keys['boss']);
    const refused = await callTool(client, 'register_pattern', {
      pattern: config('deep_metadata', { metadata: nested(DEEP) }),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    expect(engine.registry.has('deep_metadata')).toBe(false);
    expect((await callTool(client, 'list_patterns')).ok).toBe(true);
  });

  it('refuse it in the library: fromConfig, the constructor, and so registry.register', async () => {
    expect(() => PatternDefinition.fromConfig(config('deep', { metadata: nested(DEEP) }))).toThrow(
      /metadata(\.a)+: nested deeper than 8 levels/,
    );
    expect(
      () =>
        new PatternDefinition({
          name: 'deep',
          patternType: 'memory',
          trigger: /\boptimize\b/,
          costTokens: 1,
          metadata: nested(DEEP),
        }),
    ).toThrow(ValidationError);
    const engine = await createTestEngine();
    const before = engine.registry.version;
    expect(() => engine.registerPattern(config('deep', { metadata: nested(DEEP) }))).toThrow(ValidationError);
    expect(engine.registry.has('deep')).toBe(false);
    expect(engine.registry.version).toBe(before);
    // Eight levels are allowed, as for memory metadata and context.
    const eight = PatternDefinition.fromConfig(config('eight', { metadata: nested(8) }));
    const registry = new PatternRegistry([eight]);
    expect(registry.fingerprint).toMatch(/^[\w-]{22}$/);
  });

  it('bound params and parameters as well, in depth and bytes', () => {
    const params = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, 'x'.repeat(100)]));
    expect(() => PatternDefinition.fromConfig(config('wide', { params }))).toThrow(
      expect.objectContaining({
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(/params: \d+ bytes of JSON is over the limit of 16384/),
      }),
    );
    expect(() => PatternDefinition.fromConfig(config('deep', { parameters: nested(DEEP) }))).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        message: expect.stringMatching(/parameters(\.a)+: nested deeper/),
      }),
    );
    expect(() => PatternDefinition.fromConfig(config('big', { metadata: { note: 'x'.repeat(20_000) } }))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
  });

  it('refuse it in pattern files, at the field, and a reload keeps the old set', async () => {
    const dir = tempDir();
    const file = join(dir, 'patterns.json');
    writeFileSync(file, JSON.stringify([config('fine')]));
    const engine = await createTestEngine({ patterns: dir });
    writeFileSync(file, JSON.stringify([config('fine'), config('deep', { metadata: nested(20) })], null, 1));
    const report = await readPatternFiles(dir);
    expect(report.issues).toMatchObject([
      { index: 1, message: expect.stringMatching(/^metadata(\.a)+: nested deeper than 8 levels$/) as unknown },
    ]);
    expect(report.issues[0]!.line).toBeGreaterThan(10); // the nested value's line, not the file's first
    await expect(engine.reloadPatterns()).rejects.toThrow(/nested deeper than 8 levels/);
    expect(engine.registry.has('fine')).toBe(true);
    expect(engine.registry.has('deep')).toBe(false);
  });

  it('refuse a 2,500-level pattern file before the YAML parser recurses into it, however often it is read', async () => {
    // Parsed twice in one process, such a file used to abort Node (V8: "RegExpCompiler Allocation failed").
    const dir = tempDir();
    const file = join(dir, 'patterns.json');
    writeFileSync(file, JSON.stringify([config('fine'), config('deep', { metadata: nestedArrays(DEEP) })]));
    for (let i = 0; i < 3; i++) {
      const report = await readPatternFiles(dir);
      expect(report.patterns).toEqual([]);
      expect(report.issues).toEqual([
        {
          file,
          line: 1,
          column: expect.any(Number) as unknown,
          message:
            "nested deeper than 64 levels of [ ] and { }; a pattern's metadata, params and parameters may nest 8",
        },
      ]);
    }
  });
});

describe('a registration that fails half-way', () => {
  it('is undone when its audit row cannot be written: STORE_UNAVAILABLE, and nothing registered or replaced', async () => {
    const { auth, keys } = apiKeysFor(team);
    const { base, engine } = await startTestServer({ auth });
    const boss = { token: keys['boss']! };
    expect((await call(base, '/api/v1/patterns', { body: config('kept', { priority: 3 }), ...boss })).status).toBe(201);

    // Fault injection: the audit log's store refuses writes (as a full disk or a lost connection would).
    const auditLog = engine.auditTrail();
    const append = auditLog.append.bind(auditLog);
    auditLog.append = () => Promise.reject(new Error('disk full'));
    const added = await call(base, '/api/v1/patterns', { body: config('added'), ...boss });
    expect(added.status).toBe(503);
    expect(added.body['code']).toBe('STORE_UNAVAILABLE');
    const replaced = await call(base, '/api/v1/patterns?replace=true', {
      body: config('kept', { priority: 9 }),
      ...boss,
    });
    expect(replaced.status).toBe(503);
    const deleted = await call(base, '/api/v1/patterns/kept', { method: 'DELETE', ...boss });
    expect(deleted.status).toBe(503);
    auditLog.append = append;

    expect(engine.registry.has('added')).toBe(false);
    expect(engine.registry.get('kept')?.priority).toBe(3);
    // Registering again works: the failed attempt left no name taken.
    expect((await call(base, '/api/v1/patterns', { body: config('added'), ...boss })).status).toBe(201);
  });
});
