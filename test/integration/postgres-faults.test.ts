import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatternExecutionEngine, type ExecutionResult, type PatternExecutionEngine } from '../../src/index.js';
import { createLogger } from '../../src/logging.js';
import { createTestEngine } from '../helpers/engine.js';
import { TEST_POSTGRES_URL, dropSchema, uniqueName, withParams } from '../helpers/services.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/** Far above the configured timeouts (1 s connect, 1.5 s statement): exceeding it means a hang. */
const HANG = 15_000;

/** Resolves with the result, or rejects if it took longer than `ms`: a stall is a failure. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// PostgreSQL made unreachable through a proxy the test controls (the shared server is untouched).
describe.skipIf(!TEST_POSTGRES_URL)('PostgreSQL failures', () => {
  const schema = uniqueName('tmws_test');
  const namespace = uniqueName('ns');
  const context = { agentId: 'agent-1', namespace, tags: ['pg-fault'] };
  let proxy: TcpProxy;
  let engine: PatternExecutionEngine;
  let proxiedUrl: string;
  const acknowledged: string[] = [];

  const store = async (text: string): Promise<ExecutionResult> => {
    const result = await within(HANG, engine.execute(`store note: ${text}`, { context }));
    if (result.success) acknowledged.push(text);
    return result;
  };

  beforeAll(async () => {
    const target = new URL(TEST_POSTGRES_URL!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    target.port = String(proxy.port);
    proxiedUrl = withParams(target.toString(), {
      schema,
      pool_size: 2,
      max_overflow: 1,
      connect_timeout_ms: 1000,
      statement_timeout_ms: 1500,
    });
    // Lives for the whole file (createTestEngine's engines close after each test).
    engine = await createPatternExecutionEngine({ databaseUrl: proxiedUrl, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await engine.close();
    await proxy.close();
    await dropSchema(TEST_POSTGRES_URL!, schema);
  });

  for (const mode of ['refuse', 'blackhole'] as const) {
    it(`answers STORE_UNAVAILABLE promptly when connections are ${mode === 'refuse' ? 'refused' : 'black-holed'}, then recovers`, async () => {
      expect((await store(`before ${mode}`)).success).toBe(true);

      await proxy.cut(mode);
      const failed = await store(`during ${mode}`);
      expect(failed).toMatchObject({ success: false, errorCode: 'STORE_UNAVAILABLE' });
      const read = await within(HANG, engine.execute('recall items tagged pg-fault', { context, useCache: false }));
      expect(read).toMatchObject({ success: false, errorCode: 'STORE_UNAVAILABLE' });
      const health = await within(HANG, engine.execute('check database health', { useCache: false }));
      expect(health.result).toMatchObject({ checks: { store: { status: 'down' } } });

      await proxy.restore();
      await expect
        .poll(async () => (await store(`after ${mode}`)).success, { timeout: HANG, interval: 200 })
        .toBe(true);
    });
  }

  it('refuses to start promptly while the database is unreachable', async () => {
    await proxy.cut('refuse');
    try {
      await expect(within(HANG, createTestEngine({ databaseUrl: proxiedUrl }))).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
    } finally {
      await proxy.restore();
    }
  });

  it('still holds every acknowledged store', async () => {
    const contents = [];
    for await (const memory of engine.exportMemories(namespace)) contents.push(memory.content);
    // A write whose acknowledgement was lost in the partition may exist too; none acknowledged may be missing.
    expect(contents).toEqual(expect.arrayContaining(acknowledged));
    expect(new Set(contents).size).toBe(contents.length);
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);
  });
});
