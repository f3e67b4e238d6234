import { describe, expect, it } from 'vitest';
import { ExecutionMode, NotFoundError, PatternDefinition } from '../../src/index.js';
import { createSpiedEngine, createTestEngine } from '../helpers/engine.js';

describe('FAST mode', () => {
  it('runs infrastructure patterns and never reads or writes memories', async () => {
    const { engine, calls } = await createSpiedEngine();
    for (const query of ['check health', 'show stats', 'list patterns', 'calculate 2 + 3 * 4']) {
      const result = await engine.execute(query, { executionMode: ExecutionMode.FAST, useCache: false });
      expect(result.success).toBe(true);
    }
    expect(calls.filter((c) => c !== 'ping')).toEqual([]);
  });

  it('refuses a memory query with an error naming the pattern and the modes that serve it', async () => {
    const { engine, calls } = await createSpiedEngine();
    const attempt = engine.execute('store note: never written', { executionMode: ExecutionMode.FAST });
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toThrow(
      /memory pattern 'store_memory', which FAST mode does not run.*BALANCED or COMPREHENSIVE/,
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'PATTERN_NOT_FOUND',
      details: { pattern: 'store_memory', mode: 'fast' },
    });
    expect(calls).toEqual([]);
  });

  it('does not route unmatched queries', async () => {
    const engine = await createTestEngine();
    await expect(engine.execute('what did we decide about caching', { executionMode: 'fast' })).rejects.toThrow(
      /No infrastructure pattern matches/,
    );
  });
});

describe('BALANCED mode', () => {
  it('takes the best match by priority', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('recall items tagged security');
    expect(result.patternName).toBe('recall_by_tag');
    expect(result.metadata).toMatchObject({ mode: 'balanced', action: 'recall_by_tag', executionPath: 'memory' });
    expect(result.metadata.routing).toBeUndefined();
  });

  it('routes a confident unmatched query to its route and executes it, with reasoning', async () => {
    const engine = await createTestEngine();
    await engine.execute('save note: we decided to cache tokens for an hour');
    const result = await engine.execute('previous decision and lessons learned about tokens');
    expect(result.success).toBe(true);
    expect(result.patternName).toBe('recall_memory');
    expect(result.metadata.routing).toMatchObject({
      patternType: 'memory',
      matched: false,
      patternName: 'recall_memory',
    });
    expect(result.metadata.routing!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(result.metadata.routing!.reasoning).toMatch(/decision/);
    expect((result.result!['memories'] as unknown[]).length).toBe(1);
    expect(engine.getStats().routedExecutions).toBe(1);
  });

  it('refuses an unmatched query the router is not confident about, with its decision attached', async () => {
    const engine = await createTestEngine();
    const attempt = engine.execute('hello there');
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toMatchObject({ details: { routing: { confidence: 0, matched: false } } });
  });

  it('refuses a confident route that no pattern serves', async () => {
    const engine = await createTestEngine();
    await expect(engine.execute('disk server restart')).rejects.toThrow(/no pattern serves free text on this route/);
    // Asked as a command, it is an action no pattern performs: refused as such, never read.
    await expect(engine.execute('restart the disk server')).rejects.toThrow(/asks to restart something/);
  });

  it('honours a lower routing threshold', async () => {
    const engine = await createTestEngine({ routingThreshold: 0.1 });
    const result = await engine.execute('why');
    expect(result.metadata.routing).toMatchObject({ patternType: 'hybrid', patternName: 'semantic_search' });
  });
});

describe('COMPREHENSIVE mode', () => {
  it('serves memory reads through the hybrid path, with an analysis', async () => {
    const engine = await createTestEngine();
    await engine.execute('save note: connection pooling with pgbouncer', { context: { tags: ['database'] } });
    const result = await engine.execute('recall connection pools', { executionMode: ExecutionMode.COMPREHENSIVE });
    expect(result.metadata).toMatchObject({ patternType: 'memory', executionPath: 'hybrid' });
    expect(result.result).toMatchObject({
      searchMode: 'hybrid',
      count: 1,
      analysis: { count: 1, tagDistribution: [{ tag: 'database', count: 1 }] },
    });
    const [memory] = result.result!['memories'] as Array<{ lexicalRank: number | null; semanticRank: number | null }>;
    expect(memory!.semanticRank).toBe(1);
  });

  it('accepts the seed alias ExecutionMode.HYBRID', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('recall anything', { executionMode: ExecutionMode.HYBRID });
    expect(result.metadata.mode).toBe('comprehensive');
  });
});

describe('executors', () => {
  it('answers each catalog action with its documented shape', async () => {
    const engine = await createTestEngine();
    await engine.execute('save note: redis for caching sessions', {
      context: { tags: ['caching'], importance: 0.9, accessLevel: 'team' },
    });
    await engine.execute('save note: pgbouncer for pooling connections', {
      context: { tags: ['pooling'], importance: 0.4 },
    });

    const shapes: Record<string, Record<string, unknown>> = {
      'show stats': { totalExecutions: 2 },
      'list patterns': { count: 25 },
      'calculate 2 ^ 3 ^ 2': { value: 512 },
      'recall items tagged caching': { tag: 'caching', count: 1 },
      'show important memories': { threshold: 0.7, count: 1 },
      'get memories with importance above 0.3': { threshold: 0.3, count: 2 },
      'find similar to caching sessions': { query: 'caching sessions' },
      'analyze caching performance': { subject: 'caching performance', matched: 1 },
      'compare caching and pooling': {
        left: { subject: 'caching', matched: 1 },
        right: { subject: 'pooling', matched: 1 },
      },
      'recent caching notes': { topic: 'caching', count: 1, window: { description: 'recent' } },
      'latest notes over the last 2 weeks': { window: { description: 'over the last 2 weeks' } },
    };
    for (const [query, shape] of Object.entries(shapes)) {
      const result = await engine.execute(query);
      expect(result.success, query).toBe(true);
      expect(result.result, query).toMatchObject(shape);
    }
  });

  it('reports an action failure as success: false with a code, and writes nothing', async () => {
    const { engine, calls } = await createSpiedEngine();
    const division = await engine.execute('calculate 1 / (2 - 2)');
    expect(division).toMatchObject({
      success: false,
      errorCode: 'EXECUTION_FAILED',
      error: 'Division by zero',
      result: null,
    });
    const empty = await engine.execute('store new memory');
    expect(empty).toMatchObject({ success: false, errorCode: 'VALIDATION_ERROR' });
    expect(empty.error).toMatch(/nothing to store/);
    expect(calls).not.toContain('store');
  });

  it('stores the context payload as metadata, and the payload itself when there is no text', async () => {
    const engine = await createTestEngine();
    const result = await engine.execute('store new memory', { context: { plan: { steps: 3 } } });
    expect(result.result).toMatchObject({
      created: true,
      memory: { content: '{"plan":{"steps":3}}', metadata: { plan: { steps: 3 } } },
    });
    const explicit = await engine.execute('store this', { context: { content: 'explicit content wins', tags: ['x'] } });
    expect(explicit.result).toMatchObject({ memory: { content: 'explicit content wins', tags: ['x'] } });
  });

  it('calls registered tools with their arguments and the caller scope', async () => {
    const engine = await createTestEngine({ tools: { resize: ({ args, scope }) => ({ args, agent: scope.agentId }) } });
    const result = await engine.execute('call function resize 640x480', { context: { agentId: 'artemis' } });
    expect(result.result).toEqual({ tool: 'resize', args: '640x480', output: { args: '640x480', agent: 'artemis' } });
    const unknown = await engine.execute('run tool lint');
    expect(unknown).toMatchObject({ success: false, errorCode: 'TOOL_NOT_FOUND' });
    expect(unknown.error).toMatch(/registered tools: resize/);
    engine.tools.register('bad', () => ({ n: 1n }));
    expect(await engine.execute('run tool bad')).toMatchObject({ success: false, errorCode: 'EXECUTION_FAILED' });
  });

  it('runs a custom pattern with a declared action and static params', async () => {
    const engine = await createTestEngine();
    await engine.execute('save note: rotate keys', { context: { tags: ['security'] } });
    engine.registry.register(
      PatternDefinition.fromConfig({
        name: 'security_digest',
        pattern_type: 'memory',
        trigger_pattern: String.raw`\bsecurity\s+digest\b`,
        cost_tokens: 60,
        action: 'recall_by_tag',
        params: { tag: 'security' },
      }),
    );
    const result = await engine.execute('send me the security digest');
    expect(result.result).toMatchObject({ tag: 'security', count: 1 });
  });

  it('refuses to run once closed', async () => {
    const engine = await createTestEngine();
    await engine.close();
    await expect(engine.execute('check health')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
