import { describe, expect, it } from 'vitest';
import { OpenAIEmbedder } from '../../src/index.js';
import { answerEmbeddings, embeddingsStandIn } from '../helpers/embeddings-stand-in.js';
import { createTestEngine } from '../helpers/engine.js';
import { callTool, connectHttpMcp } from '../helpers/mcp.js';
import { call, silentLogger, startTestServer } from '../helpers/server.js';

const scope = { namespace: 'default', agentId: 'default' };
const UNAVAILABLE = /^unavailable: .*embedding has 4 dimensions, expected 8.*; full text only$/;

/**
 * A hybrid search whose vectors cannot be searched (here a provider that starts answering
 * with the wrong dimension) falls back to full text, and every reply says so: execute
 * results, the engine's search, HTTP search and MCP, not only the server log.
 */
describe('hybrid search without vectors', () => {
  it('answers from full text and says why, on every surface, and is not cached until vectors are back', async () => {
    let dimensions = 8;
    const provider = await embeddingsStandIn((request, response) => {
      answerEmbeddings(response, request.body, dimensions);
      return true;
    });
    const engine = await createTestEngine({
      embedder: new OpenAIEmbedder({ url: provider.url, model: 'stand-in', dimensions: 8, maxRetries: 0 }),
      logger: silentLogger,
    });
    await engine.storeMemory(scope, { content: 'connection pooling with pgbouncer', tags: ['db'] });
    await engine.storeMemory(scope, { content: 'cache warming before deploys', tags: ['cache'] });
    await engine.embedPendingMemories();

    dimensions = 4;
    const search = 'find similar to connection pooling';
    const first = await engine.execute(search);
    expect(first.result).toMatchObject({ count: 1, memories: [{ content: 'connection pooling with pgbouncer' }] });
    expect(first.result?.['vectors']).toMatch(UNAVAILABLE);
    expect((await engine.execute(search)).cacheHit).toBe(false);
    const analysis = await engine.execute('analyze connection pooling', { executionMode: 'comprehensive' });
    expect(analysis.result?.['vectors']).toMatch(UNAVAILABLE);
    const comparison = await engine.execute('compare caching and pooling');
    expect(comparison.result?.['vectors']).toMatch(UNAVAILABLE);
    const recall = await engine.execute('recall memories about pooling', { executionMode: 'comprehensive' });
    expect(recall.result?.['vectors']).toMatch(UNAVAILABLE);

    const hybrid = await engine.searchMemories(scope, { query: 'pooling', mode: 'hybrid' });
    expect(hybrid.vectors).toMatch(UNAVAILABLE);
    expect(hybrid.memories.map((m) => m.content)).toEqual(['connection pooling with pgbouncer']);
    expect(await engine.searchMemories(scope, { query: 'pooling' })).not.toHaveProperty('vectors');

    const { base } = await startTestServer({ engine });
    const http = await call(base, '/api/v1/memories/search', { body: { query: 'pooling', mode: 'hybrid' } });
    expect(http.status).toBe(200);
    expect(http.body).toMatchObject({ count: 1, vectors: expect.stringMatching(UNAVAILABLE) });
    const executed = await call(base, '/api/v1/pattern/execute', { body: { query: search } });
    expect(executed.body['result']).toMatchObject({ vectors: expect.stringMatching(UNAVAILABLE) });

    const mcp = await connectHttpMcp(base);
    const searched = await callTool(mcp, 'search_memories', { query: 'pooling', mode: 'hybrid' });
    expect(searched).toMatchObject({ ok: true, value: { vectors: expect.stringMatching(UNAVAILABLE) } });
    const viaTool = await callTool(mcp, 'execute_pattern', { query: search });
    expect(viaTool).toMatchObject({ ok: true, value: { result: { vectors: expect.stringMatching(UNAVAILABLE) } } });

    dimensions = 8;
    const recovered = await engine.execute(search);
    expect(recovered.cacheHit).toBe(false);
    expect(recovered.result).not.toHaveProperty('vectors');
    expect(recovered.result?.['memories']).toContainEqual(expect.objectContaining({ semanticRank: 1 }));
    expect(await engine.searchMemories(scope, { query: 'pooling', mode: 'hybrid' })).not.toHaveProperty('vectors');
  });
});
