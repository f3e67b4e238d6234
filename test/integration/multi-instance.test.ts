import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  clearRedisPrefix,
  dropSchema,
  uniqueName,
  withParams,
} from '../helpers/services.js';
import { spawnEngineProcess, type EngineProcess } from './engine-process.js';

const services = TEST_POSTGRES_URL && TEST_REDIS_URL;

// Two service processes sharing one PostgreSQL schema and one Redis prefix, as a deployment would.
describe.skipIf(!services)('two instances over PostgreSQL and Redis', () => {
  const schema = uniqueName('tmws_test');
  const prefix = uniqueName('tmws_test');
  let a: EngineProcess;
  let b: EngineProcess;
  const namespace = (): string => uniqueName('ns');

  beforeAll(async () => {
    const options = {
      databaseUrl: withParams(TEST_POSTGRES_URL!, { schema, pool_size: 2, max_overflow: 2 }),
      redisUrl: TEST_REDIS_URL!,
      redisKeyPrefix: prefix,
    };
    [a, b] = await Promise.all([spawnEngineProcess(options), spawnEngineProcess(options)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(TEST_POSTGRES_URL!, schema);
    await clearRedisPrefix(TEST_REDIS_URL!, prefix);
  });

  it('runs as two processes', () => {
    expect(a.pid).not.toBe(b.pid);
  });

  it('recalls through one instance what was stored through the other', async () => {
    const context = { agentId: 'agent-1', namespace: namespace(), tags: ['security'] };
    const stored = await a.execute('store note: rotate signing keys every quarter', { context });
    expect(stored.success).toBe(true);
    const recalled = await b.execute('recall items tagged security', { context });
    expect(recalled.success).toBe(true);
    expect(JSON.stringify(recalled.result)).toContain('rotate signing keys every quarter');
  });

  it('stops B serving a cached read once A writes to the namespace', async () => {
    const context = { agentId: 'agent-1', namespace: namespace(), tags: ['deploy'] };
    await a.execute('store note: deploy on tuesdays', { context });
    const first = await b.execute('recall items tagged deploy', { context });
    const cached = await b.execute('recall items tagged deploy', { context });
    expect(first.cacheHit).toBe(false);
    expect(cached.cacheHit).toBe(true);

    await a.execute('store note: never deploy on fridays', { context });
    const fresh = await b.execute('recall items tagged deploy', { context });
    expect(fresh.cacheHit).toBe(false);
    expect(JSON.stringify(fresh.result)).toContain('never deploy on fridays');
  });

  it('serves B from the shared tier what A computed', async () => {
    const context = { agentId: 'agent-1', namespace: namespace() };
    await a.execute('store note: pgbouncer in transaction mode', { context });
    const computed = await a.execute('find similar to connection pooling', { context });
    const shared = await b.execute('find similar to connection pooling', { context });
    expect(computed.cacheHit).toBe(false);
    expect(shared.cacheHit).toBe(true);
    expect(shared.metadata['cacheTier']).toBe('l2');
    expect(shared.result).toEqual(computed.result);
  });
});
