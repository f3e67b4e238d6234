import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../helpers/engine.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';
import { TEST_REDIS_URL, clearRedisPrefix, uniqueName } from '../helpers/services.js';
import { onCleanup } from '../helpers/engine.js';

const agent = { agentId: 'artemis', namespace: 'lab', role: 'admin' } as const;
const GUESS = 'tmws_guessed-key-Q8vX2mN7pL4rT9wZ';
const LIMIT = { requests: 3, perSeconds: 60 };

/** A logger whose lines the test can read. */
function capturedLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('failed authentication', () => {
  it('is throttled per client address (429 + Retry-After), counted, logged and audited without the secret', async () => {
    const { auth, keys } = apiKeysFor([agent]);
    const { logger, lines } = capturedLogger();
    const { base, app, engine } = await startTestServer({ auth, authFailureLimit: LIMIT, logger });

    for (let i = 0; i < LIMIT.requests; i++) {
      expect((await call(base, '/api/v1/pattern/stats', { token: GUESS })).status).toBe(401);
    }
    const throttled = await call(base, '/api/v1/pattern/stats', { token: GUESS });
    expect(throttled.status).toBe(429);
    expect(throttled.body['code']).toBe('RATE_LIMITED');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LIMIT.perSeconds);
    // The address is blocked: even the right key is refused from it, over MCP as well.
    expect((await call(base, '/api/v1/pattern/stats', { token: keys['artemis']! })).status).toBe(429);
    expect((await call(base, '/mcp', { body: {}, token: keys['artemis']! })).status).toBe(429);

    // Another address is not: it reads the counters.
    const metrics = await app.inject({
      url: '/metrics',
      remoteAddress: '192.0.2.7',
      headers: { authorization: `Bearer ${keys['artemis']!}` },
    });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/tmws_auth_failures_total\{surface="http",outcome="rejected"\} 3\n/);
    expect(metrics.body).toMatch(/tmws_auth_failures_total\{surface="http",outcome="throttled"\} 2\n/);
    expect(metrics.body).toMatch(/tmws_auth_failures_total\{surface="mcp",outcome="throttled"\} 1\n/);

    await app.close();
    const audit = await engine.auditTrail().query({ operation: 'auth.failure', limit: 10 });
    // Counted per client, outcome and window (see test/security/audit-volume.test.ts).
    expect(audit.map((e) => [e.target, e.errorCode, e.success, e.surface, e.count])).toEqual([
      ['127.0.0.1', 'RATE_LIMITED', false, 'http', 1],
      ['127.0.0.1', 'UNAUTHORIZED', false, 'http', 3],
    ]);
    expect(JSON.stringify(audit)).not.toContain(GUESS);
    const failures = lines.filter((line) => line.includes('authentication failed'));
    expect(failures).toHaveLength(4);
    expect(failures.join('')).toContain('127.0.0.1');
    expect(lines.join('')).not.toContain(GUESS);
    expect(lines.join('')).not.toContain(keys['artemis']!);
  });

  it('is not throttled for successful requests, and can be turned off (still counted and audited)', async () => {
    const { auth, keys } = apiKeysFor([agent]);
    const { base, app, engine } = await startTestServer({ auth, authFailureLimit: null });
    for (let i = 0; i < 30; i++)
      expect((await call(base, '/api/v1/pattern/stats', { token: keys['artemis']! })).status).toBe(200);
    for (let i = 0; i < 30; i++) expect((await call(base, '/api/v1/pattern/stats', { token: GUESS })).status).toBe(401);
    await app.close();
    const audit = await engine.auditTrail().query({ operation: 'auth.failure', limit: 100 });
    expect(audit.map((e) => [e.errorCode, e.count])).toEqual([['UNAUTHORIZED', 30]]);
  });

  it.skipIf(!TEST_REDIS_URL)('shares the budget of failures between instances through Redis', async () => {
    const { auth } = apiKeysFor([agent]);
    const prefix = uniqueName('tmws_test_rl');
    onCleanup(() => clearRedisPrefix(TEST_REDIS_URL!, prefix));
    const shared = { auth, authFailureLimit: LIMIT, redisUrl: TEST_REDIS_URL, rateLimitKeyPrefix: prefix };
    const a = await startTestServer({ ...shared, engine: await createTestEngine() });
    const b = await startTestServer({ ...shared, engine: await createTestEngine() });
    expect((await call(a.base, '/api/v1/pattern/stats', { token: GUESS })).status).toBe(401);
    expect((await call(b.base, '/api/v1/pattern/stats', { token: GUESS })).status).toBe(401);
    expect((await call(a.base, '/api/v1/pattern/stats', { token: GUESS })).status).toBe(401);
    expect((await call(b.base, '/api/v1/pattern/stats', { token: GUESS })).status).toBe(429);
  });
});
