/**
 * Faults injected into a running server, as an operator would meet them: Redis paused
 * (SIGSTOP) or killed under load, PostgreSQL cut off, and the server itself killed with
 * SIGKILL in the middle of writes. Every Redis here is a disposable redis-server of the
 * test's own; the shared servers are never touched.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createPatternExecutionEngine } from '../../src/index.js';
import { createLogger } from '../../src/logging.js';
import { createTestEngine, onCleanup, tempDir } from '../helpers/engine.js';
import { apiKeysFor, call, signHs256, startTestServer } from '../helpers/server.js';
import {
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  dropSchema,
  startDisposableRedis,
  uniqueName,
  withParams,
} from '../helpers/services.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { startServeProcess } from './serve-process.js';

/** The bound for an answer while Redis is silent: asserted per request. */
const ANSWER_WITHIN_MS = 1000;
const CLIENTS = 6;
const agent = { agentId: 'loader', namespace: 'faults', role: 'agent' } as const;

interface Sample {
  startedAt: number;
  ms: number;
  status: number;
  what: string;
}

/** Requests a busy agent makes, in turn: writes, cached and uncached reads, searches, stats. */
function request(client: number, i: number): { what: string; path: string; body?: unknown } {
  const context = { tags: ['load'] };
  const kinds = [
    {
      what: 'store',
      path: '/api/v1/pattern/execute',
      body: { query: `store note: load fact ${client}-${i}`, context },
    },
    { what: 'recall', path: '/api/v1/pattern/execute', body: { query: 'recall items tagged load' } },
    { what: 'health', path: '/api/v1/pattern/execute', body: { query: 'check health' } },
    { what: 'search', path: '/api/v1/memories/search', body: { query: 'load fact', limit: 5 } },
    { what: 'stats', path: '/api/v1/pattern/stats' },
  ];
  return kinds[i % kinds.length]!;
}

/** CLIENTS concurrent clients, each sending its next request as soon as the last is answered, until `stop()`. */
function startLoad(base: string, token: string): { samples: Sample[]; stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  let running = true;
  const clients = Array.from({ length: CLIENTS }, async (_, client) => {
    // Each client starts at another kind of request, so the mix is concurrent, not in lockstep.
    for (let i = client; running; i++) {
      const { what, path, body } = request(client, i);
      const startedAt = performance.now();
      let status = 0;
      try {
        status = (await call(base, path, { token, ...(body !== undefined && { body }) })).status;
      } catch {
        status = 0; // no answer at all
      }
      samples.push({ startedAt, ms: performance.now() - startedAt, status, what });
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return samples;
    },
  };
}

function summary(samples: readonly Sample[]): string {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number): string => (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0).toFixed(1);
  return `${samples.length} requests, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
}

async function serverOnRedis(redisUrl: string) {
  const { auth, keys } = apiKeysFor([agent]);
  const engine = await createTestEngine({ redisUrl, logger: createLogger('silent') });
  const server = await startTestServer({
    engine,
    auth,
    redisUrl,
    rateLimit: { requests: 1_000_000, perSeconds: 60 }, // on, and through Redis: the path that froze
    rateLimitKeyPrefix: uniqueName('tmws_test_rl'),
  });
  return { ...server, token: keys['loader']! };
}

describe.skipIf(!TEST_REDIS_URL)('fault injection: Redis', () => {
  it('answers every request, each within 1 s, while Redis is paused (SIGSTOP) for 6 s under load', async ({
    annotate,
  }) => {
    const redis = await startDisposableRedis();
    onCleanup(() => redis.stop());
    const { base, token } = await serverOnRedis(redis.url);
    const load = startLoad(base, token);
    await sleep(1000);

    const pausedAt = performance.now();
    redis.pause();
    let ready: { status: number; ms: number; body: Record<string, unknown> } | undefined;
    try {
      await sleep(2000);
      const probeStarted = performance.now();
      const probe = await call(base, '/ready');
      ready = { status: probe.status, ms: performance.now() - probeStarted, body: probe.body };
      await sleep(4000);
    } finally {
      redis.resume();
    }
    const resumedAt = performance.now();
    await sleep(1000);
    const samples = await load.stop();

    expect(samples.filter((s) => s.status < 200 || s.status > 299)).toEqual([]);
    const during = samples.filter((s) => s.startedAt >= pausedAt && s.startedAt < resumedAt);
    expect(during.length).toBeGreaterThan(CLIENTS * 5);
    expect(new Set(during.map((s) => s.what))).toEqual(new Set(['store', 'recall', 'health', 'search', 'stats']));
    expect(samples.filter((s) => s.ms >= ANSWER_WITHIN_MS)).toEqual([]);
    // Readiness says what is wrong, quickly, and keeps the instance in rotation.
    expect(ready).toMatchObject({
      status: 200,
      body: {
        status: 'degraded',
        checks: { store: { status: 'ok' }, cache: { status: 'degraded' }, rate_limits: { status: 'degraded' } },
      },
    });
    expect(ready!.ms).toBeLessThan(ANSWER_WITHIN_MS);
    await expect.poll(async () => (await call(base, '/ready')).body['status'], { timeout: 10_000 }).toBe('ready');
    await annotate(`during the 6 s pause: ${summary(during)}; /ready answered degraded in ${ready!.ms.toFixed(1)} ms`);
    await annotate(`whole run: ${summary(samples)}`);
  }, 30_000);

  it('fails no execution while Redis is killed and restarted under load', async ({ annotate }) => {
    const redis = await startDisposableRedis();
    onCleanup(() => redis.stop());
    const { base, token, engine } = await serverOnRedis(redis.url);
    const load = startLoad(base, token);
    await sleep(800);
    await redis.stop();
    await sleep(2500);
    expect((await call(base, '/ready')).body).toMatchObject({ status: 'degraded' });
    await redis.start();
    await expect.poll(async () => (await call(base, '/ready')).body['status'], { timeout: 10_000 }).toBe('ready');
    await sleep(800);
    const samples = await load.stop();

    expect(samples.filter((s) => s.status < 200 || s.status > 299)).toEqual([]);
    const stores = samples.filter((s) => s.what === 'store').length;
    let stored = 0;
    for await (const memory of engine.exportMemories('faults')) if (memory.content.startsWith('load fact')) stored++;
    expect(stored).toBe(stores);
    await annotate(`Redis killed for 2.5 s then restarted: ${summary(samples)}, ${stores} stores, all kept`);
  }, 30_000);
});

describe.skipIf(!TEST_POSTGRES_URL)('fault injection: PostgreSQL connection dropped', () => {
  it('answers STORE_UNAVAILABLE promptly while PostgreSQL is cut off, then recovers by itself', async () => {
    const target = new URL(TEST_POSTGRES_URL!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    onCleanup(() => proxy.close());
    const schema = uniqueName('tmws_test');
    onCleanup(() => dropSchema(TEST_POSTGRES_URL!, schema));
    target.port = String(proxy.port);
    const databaseUrl = withParams(target.toString(), {
      schema,
      pool_size: 2,
      max_overflow: 1,
      connect_timeout_ms: 1000,
      statement_timeout_ms: 1500,
    });
    const engine = await createPatternExecutionEngine({ databaseUrl, logger: createLogger('silent') });
    onCleanup(() => engine.close());
    const { auth, keys } = apiKeysFor([agent]);
    const { base } = await startTestServer({ engine, auth });
    const store = (text: string) => call(base, '/api/v1/memories', { body: { content: text }, token: keys['loader']! });

    expect((await store('before the cut')).status).toBe(201);
    for (const mode of ['refuse', 'blackhole'] as const) {
      await proxy.cut(mode);
      const failed = await store(`during ${mode}`);
      expect(failed.status, mode).toBe(503);
      expect(failed.body['code'], mode).toBe('STORE_UNAVAILABLE');
      const ready = await call(base, '/ready');
      expect(ready.status, mode).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not_ready', checks: { store: { status: 'down' } } });

      await proxy.restore();
      await expect
        .poll(async () => (await store(`after ${mode}`)).status, { timeout: 15_000, interval: 200 })
        .toBe(201);
      expect((await call(base, '/ready')).status).toBe(200);
    }
    const contents: string[] = [];
    for await (const memory of engine.exportMemories('faults')) contents.push(memory.content);
    expect(contents).toEqual(expect.arrayContaining(['before the cut', 'after refuse', 'after blackhole']));
  }, 60_000);
});

describe('fault injection: the server killed (SIGKILL) during 800 writes', () => {
  it('loses no acknowledged write and no audit row of an acknowledged execution', async ({ annotate }) => {
    const secret = 'kill9-Vh3nQ8rT1xZ6pL9wK2cM5bF7dJ4sG0yA';
    const db = join(tempDir(), 'crash.db');
    const server = await startServeProcess(['--db', db], { TMWS_JWT_SECRET: secret, TMWS_RATE_LIMIT: '0' });
    const WRITES = 800;
    const KILL_AFTER = 400;
    // One agent per write (the token's subject), so each acknowledgement can be matched to its audit row.
    const tokens = await Promise.all(
      Array.from({ length: WRITES }, (_, i) =>
        signHs256({ namespace: 'crash', roles: ['agent'] }, { secret, subject: `w${i}`, expiresIn: '10m' }),
      ),
    );
    const acknowledged: number[] = [];
    let next = 0;
    let killed = false;
    const writer = async (): Promise<void> => {
      while (next < WRITES) {
        const i = next++;
        try {
          const response = await call(server.base, '/api/v1/pattern/execute', {
            body: { query: `store note: crash fact ${i}` },
            token: tokens[i]!,
          });
          if (response.status === 200 && response.body['success'] === true) acknowledged.push(i);
        } catch {
          // The server died with this write in flight: not acknowledged.
        }
        if (acknowledged.length >= KILL_AFTER && !killed) {
          killed = true;
          await server.kill9();
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);

    const engine = await createTestEngine({ databaseUrl: db });
    const contents = new Set<string>();
    for await (const memory of engine.exportMemories('crash')) contents.add(memory.content);
    const lostWrites = acknowledged.filter((i) => !contents.has(`crash fact ${i}`));
    const audited = new Set(
      (await engine.auditTrail().query({ operation: 'execute', success: true, limit: 1000 })).map((e) => e.agentId),
    );
    const lostAudit = acknowledged.filter((i) => !audited.has(`w${i}`));
    expect(lostWrites).toEqual([]);
    expect(lostAudit).toEqual([]);
    const logged = (await engine.getPersistedStats())?.executions ?? 0;
    await annotate(
      `${acknowledged.length} acknowledged of ${next} sent before SIGKILL: 0 writes and 0 audit rows lost; the execution log (batched every 250 ms) holds ${logged} (${acknowledged.length - logged} not yet flushed)`,
    );
  }, 60_000);
});
