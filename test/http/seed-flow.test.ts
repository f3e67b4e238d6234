import { describe, expect, it } from 'vitest';
import { call, startTestServer } from '../helpers/server.js';

const execute = (base: string, body: Record<string, unknown>, token?: string) =>
  call(base, '/api/v1/pattern/execute', { body, ...(token !== undefined && { token }) });

describe('the seed FastAPI example over a real socket', () => {
  it('executes, caches and reports stats with the seed response shape', async () => {
    const { base } = await startTestServer();

    const quick = await execute(base, { query: 'recall security patterns' });
    expect(quick.status).toBe(200);
    expect(Object.keys(quick.body)).toEqual(
      expect.arrayContaining(['pattern', 'success', 'execution_time_ms', 'tokens_used', 'cache_hit', 'result']),
    );
    expect(quick.body).toMatchObject({ pattern: 'recall_memory', success: true, tokens_used: 100, cache_hit: false });

    const stored = await execute(base, { query: 'store test optimization pattern', use_cache: false });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ pattern: 'store_memory', success: true });

    const recall = await execute(base, { query: 'recall test optimization pattern', mode: 'balanced' });
    expect(recall.body['pattern']).toBe('recall_memory');
    const memories = (recall.body['result'] as { memories: Array<Record<string, unknown>> }).memories;
    expect(memories.length).toBeGreaterThan(0);
    // snake_case all the way down, except user data
    expect(memories[0]).toHaveProperty('agent_id', 'default');
    expect(memories[0]).toHaveProperty('access_level', 'private');
    expect(memories[0]).not.toHaveProperty('agentId');

    const again = await execute(base, { query: 'recall test optimization pattern' });
    expect(again.body).toMatchObject({ cache_hit: true, tokens_used: 0 });
    expect((again.body['metadata'] as Record<string, unknown>)['cache_tier']).toBe('l1');

    const analyze = await execute(base, { query: 'analyze optimization patterns', mode: 'comprehensive' });
    expect(analyze.status).toBe(200);
    expect(analyze.body).toMatchObject({ pattern: 'semantic_analysis', success: true });
    expect(analyze.body['metadata']).toMatchObject({ pattern_type: 'hybrid' });

    const health = await execute(base, { query: 'check database health', mode: 'fast' });
    expect(health.body).toMatchObject({ pattern: 'health_check', success: true });

    const stats = await call(base, '/api/v1/pattern/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ total_executions: 6, cache_hits: 1 });
    expect(stats.body['cache_hit_rate']).toBeCloseTo(16.67, 1);
    expect(stats.body).toHaveProperty('latency_ms.by_type.memory.p50');
  });

  it('keeps user metadata keys as they were written', async () => {
    const { base } = await startTestServer();
    const stored = await execute(base, {
      query: 'store optimization result for auth-service',
      context: { component: 'auth-service', optimizationPlan: { maxPoolSize: 20 } },
    });
    const memory = (stored.body['result'] as { memory: Record<string, unknown> }).memory;
    expect(memory['metadata']).toEqual({ component: 'auth-service', optimizationPlan: { maxPoolSize: 20 } });
  });

  it('answers a failed action with the status of its error code', async () => {
    const { base } = await startTestServer();
    const failed = await execute(base, { query: 'calculate 1 / 0' });
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ code: 'EXECUTION_FAILED', details: { pattern: 'quick_calculation' } });
    const unmatched = await execute(base, { query: 'zzz qqq' });
    expect(unmatched.status).toBe(404);
    expect(unmatched.body['code']).toBe('PATTERN_NOT_FOUND');
  });

  it('serves probes, metrics and an OpenAPI document built from the request schemas', async () => {
    const { base } = await startTestServer();
    await execute(base, { query: 'recall security patterns' });
    await execute(base, { query: 'recall security patterns' });
    await execute(base, { query: 'check health' });

    expect((await call(base, '/health')).body).toEqual({ status: 'ok' });
    const ready = await call(base, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { store: { status: 'ok' }, cache: { status: 'ok' } } });

    const metrics = await call(base, '/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(
      /tmws_executions_total\{pattern="recall_memory",pattern_type="memory",outcome="success"\} 1/,
    );
    expect(metrics.text).toMatch(
      /tmws_executions_total\{pattern="recall_memory",pattern_type="memory",outcome="cache_hit"\} 1/,
    );
    expect(metrics.text).toMatch(/tmws_cache_hits_total\{tier="l1"\} 1/);
    expect(metrics.text).toMatch(/tmws_execution_duration_seconds_bucket\{le="[\d.]+",pattern="recall_memory"/);
    expect(metrics.text).toMatch(/tmws_routing_decisions_total\{decided_by="trigger",pattern_type="memory"\} 2/);
    expect(metrics.text).toMatch(
      /tmws_http_requests_total\{method="POST",route="\/api\/v1\/pattern\/execute",status="200"\}/,
    );

    const doc = (await call(base, '/openapi.json')).body as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
      >;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/pattern/execute',
        '/api/v1/pattern/stats',
        '/api/v1/patterns',
        '/api/v1/patterns/{name}',
        '/api/v1/patterns/explain',
        '/api/v1/memories',
        '/api/v1/memories/search',
        '/api/v1/memories/{id}',
        '/api/v1/audit',
        '/health',
        '/ready',
      ]),
    );
    const executeBody = doc.paths['/api/v1/pattern/execute']!['post']!.requestBody!.content['application/json']!.schema;
    expect(executeBody).toMatchObject({
      properties: {
        query: { type: 'string', maxLength: 2000 },
        mode: { enum: ['fast', 'balanced', 'comprehensive'] },
        use_cache: { type: 'boolean' },
      },
      required: ['query'],
      additionalProperties: false,
    });
  });
});
