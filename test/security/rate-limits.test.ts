import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createTestEngine, onCleanup } from '../helpers/engine.js';
import { apiKeysFor, call, startTestServer } from '../helpers/server.js';
import { clearRedisPrefix, TEST_REDIS_URL } from '../helpers/services.js';
import { parseRateLimit } from '../../src/security/rate-limiter.js';

const agents = [
  { agentId: 'busy', namespace: 'rl', role: 'admin' },
  { agentId: 'calm', namespace: 'rl', role: 'agent' },
] as const;

const execute = (base: string, token: string, query = 'check health') =>
  call(base, '/api/v1/pattern/execute', { body: { query }, token });

function expectLimited(response: Awaited<ReturnType<typeof call>>, windowSeconds: number): void {
  expect(response.status).toBe(429);
  expect(response.body['code']).toBe('RATE_LIMITED');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(response.body['details']).toMatchObject({ retry_after_seconds: retryAfter });
}

describe('rate limits', () => {
  it('parse <requests>/<seconds>, and 0 or off for none', () => {
    expect(parseRateLimit('600/60')).toEqual({ requests: 600, perSeconds: 60 });
    expect(parseRateLimit(' 5 / 1 ')).toEqual({ requests: 5, perSeconds: 1 });
    expect(parseRateLimit('0')).toBeNull();
    expect(parseRateLimit('off')).toBeNull();
    for (const bad of ['', '10', '0/60', '10/0', 'ten/60', '10/100000'])
      expect(() => parseRateLimit(bad)).toThrow(/rate limit/);
  });

  it('give each agent its own budget and answer 429 with Retry-After, writing nothing', async () => {
    const { auth, keys } = apiKeysFor(agents);
    const { base, engine, app } = await startTestServer({ auth, rateLimit: { requests: 3, perSeconds: 60 } });
    for (let i = 0; i < 3; i++) expect((await execute(base, keys['busy']!)).status).toBe(200);
    expectLimited(await execute(base, keys['busy']!, 'save note: over the limit'), 60);
    expect(await engine.countMemories({ namespace: 'rl', agentId: 'busy', admin: true })).toBe(0);
    expectLimited(await call(base, '/api/v1/memories/search', { body: {}, token: keys['busy']! }), 60);
    expect((await execute(base, keys['calm']!)).status).toBe(200);

    await app.close(); // flushes the audit recorder
    const audit = await engine.auditTrail().query({ agentId: 'busy', success: false, limit: 10 });
    expect(audit.map((e) => e.errorCode)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('apply a pattern’s own limit on top, per agent', async () => {
    const { auth, keys } = apiKeysFor(agents);
    const { base } = await startTestServer({ auth });
    const registered = await call(base, '/api/v1/patterns', {
      token: keys['busy']!,
      body: {
        name: 'expensive_report',
        pattern_type: 'hybrid',
        trigger_pattern: String.raw`\bexpensive report\b`,
        cost_tokens: 500,
        cache_ttl: 0,
        rate_limit: { requests: 2, per_seconds: 30 },
      },
    });
    expect(registered.status).toBe(201);
    expect(registered.body['rate_limit']).toEqual({ requests: 2, per_seconds: 30 });
    for (let i = 0; i < 2; i++) expect((await execute(base, keys['busy']!, 'expensive report')).status).toBe(200);
    expectLimited(await execute(base, keys['busy']!, 'expensive report'), 30);
    expect((await execute(base, keys['busy']!, 'check health')).status).toBe(200);
    expect((await execute(base, keys['calm']!, 'expensive report')).status).toBe(200);
  });

  it('keep answering from an in-process limiter when Redis cannot be reached', async () => {
    const { auth, keys } = apiKeysFor(agents);
    const { base } = await startTestServer({
      auth,
      rateLimit: { requests: 2, perSeconds: 60 },
      redisUrl: 'redis://127.0.0.1:1',
    });
    expect((await execute(base, keys['busy']!)).status).toBe(200);
    expect((await execute(base, keys['busy']!)).status).toBe(200);
    expectLimited(await execute(base, keys['busy']!), 60);
  });
});

const redisUrl = TEST_REDIS_URL;

describe.skipIf(redisUrl === undefined)('rate limits shared through Redis (TMWS_TEST_REDIS_URL)', () => {
  it('draw two servers on one budget, isolated by key prefix, and clean up', async () => {
    const prefix = `tmws-test-${Math.random().toString(36).slice(2, 10)}:rl`;
    const redis = new Redis(redisUrl!);
    onCleanup(async () => {
      await clearRedisPrefix(redisUrl!, prefix);
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
      await redis.quit();
    });
    const { auth, keys } = apiKeysFor(agents);
    const engine = await createTestEngine();
    const options = {
      auth,
      engine,
      rateLimit: { requests: 3, perSeconds: 60 },
      redisUrl: redisUrl!,
      rateLimitKeyPrefix: prefix,
    };
    const one = await startTestServer(options);
    const two = await startTestServer(options);
    expect((await execute(one.base, keys['busy']!)).status).toBe(200);
    expect((await execute(two.base, keys['busy']!)).status).toBe(200);
    expect((await execute(one.base, keys['busy']!)).status).toBe(200);
    expectLimited(await execute(two.base, keys['busy']!), 60);
    expect((await execute(two.base, keys['calm']!)).status).toBe(200);
    expect((await redis.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
  });
});
