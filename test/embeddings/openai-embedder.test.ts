import { describe, expect, it } from 'vitest';
import { EmbeddingProviderError, OpenAIEmbedder } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';
import { embeddingsStandIn as standIn } from '../helpers/embeddings-stand-in.js';

const normal = () => false;

describe('OpenAIEmbedder against a stand-in OpenAI-compatible server', () => {
  it('batches texts, keeps their order, sends the key and the dimensions', async () => {
    const { url, requests } = await standIn(normal);
    const embedder = new OpenAIEmbedder({ url, model: 'm', apiKey: 'sk-secret', dimensions: 8, batchSize: 2 });
    const vectors = await embedder.embedBatch(['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
    expect(requests.map((r) => r.input)).toEqual([['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']]);
    expect(requests[0]!.authorization).toBe('Bearer sk-secret');
    expect(vectors).toHaveLength(5);
    expect(vectors.every((v) => v.length === 8 && Math.abs(Math.hypot(...v) - 1) < 1e-5)).toBe(true);
    expect(embedder.endpoint).toBe(`${url}/embeddings`);
    expect(embedder.id).toBe(`openai:m@${new URL(url).host}:8`);
  });

  it('is handed a backlog a full request at a time', async () => {
    const { url, requests } = await standIn(normal);
    const embedder = new OpenAIEmbedder({ url, model: 'm', dimensions: 8 });
    expect(embedder.batchSize).toBe(64);
    const engine = await createTestEngine({ embedder });
    const context = { namespace: 'team', agentId: 'alice' };
    await engine.importMemories(Array.from({ length: 100 }, (_, i) => ({ ...context, content: `note ${i}` })));
    await engine.embedPendingMemories();
    expect(requests.map((r) => r.input.length)).toEqual([64, 36]);
  });

  it('probes the dimension once when none is given', async () => {
    const { url, requests } = await standIn(normal);
    const embedder = new OpenAIEmbedder({ url: `${url}/embeddings`, model: 'm' });
    expect(() => embedder.dimensions).toThrow(/unknown/);
    expect(await embedder.detectDimensions()).toBe(8);
    expect(await embedder.detectDimensions()).toBe(8);
    expect(requests).toHaveLength(1);
  });

  it('retries a 429 (honouring Retry-After) and a 503, then succeeds', async () => {
    const { url, requests } = await standIn(({ n }, res) => {
      if (n === 1) {
        res.writeHead(429, { 'retry-after': '0.05' }).end('{"error":"slow down"}');
        return true;
      }
      if (n === 2) {
        res.writeHead(503).end();
        return true;
      }
      return false;
    });
    const embedder = new OpenAIEmbedder({ url, model: 'm', dimensions: 8, backoffMs: 10 });
    expect(await embedder.embed('hello')).toHaveLength(8);
    expect(requests).toHaveLength(3);
  });

  it('gives up after its retries with an error naming provider, URL and status, never the key', async () => {
    const { url, requests } = await standIn((_request, res) => {
      res.writeHead(429).end('rate limited');
      return true;
    });
    const embedder = new OpenAIEmbedder({
      url,
      model: 'm',
      apiKey: 'sk-secret',
      dimensions: 8,
      maxRetries: 2,
      backoffMs: 5,
    });
    const error = (await embedder.embed('hello').catch((e: unknown) => e)) as EmbeddingProviderError;
    expect(error).toBeInstanceOf(EmbeddingProviderError);
    expect(error.message).toMatch(/'openai'/);
    expect(error.message).toContain(`${url}/embeddings`);
    expect(error.message).toMatch(/HTTP 429/);
    expect(error.message).not.toContain('sk-secret');
    expect(requests).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    const { url, requests } = await standIn((_request, res) => {
      res.writeHead(400).end('{"error":"bad model"}');
      return true;
    });
    const embedder = new OpenAIEmbedder({ url, model: 'm', dimensions: 8, backoffMs: 5 });
    await expect(embedder.embed('x')).rejects.toThrow(/HTTP 400: \{"error":"bad model"\}/);
    expect(requests).toHaveLength(1);
  });

  it('times out a silent server', async () => {
    const { url } = await standIn(() => true); // never answers
    const embedder = new OpenAIEmbedder({
      url,
      model: 'm',
      dimensions: 8,
      timeoutMs: 100,
      maxRetries: 1,
      backoffMs: 5,
    });
    await expect(embedder.embed('x')).rejects.toThrow(/no answer within 100 ms/);
  });

  it('refuses vectors of the wrong dimension', async () => {
    const { url } = await standIn(normal);
    // A provider honouring `dimensions` is accepted; one answering another length is refused.
    const embedder = new OpenAIEmbedder({ url, model: 'm', dimensions: 16 });
    await expect(embedder.embed('x')).resolves.toHaveLength(16);
    const mismatched = await standIn(({ body }, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: body.input.map((_, index) => ({ index, embedding: [1, 2, 3] })) }));
      return true;
    });
    const strict = new OpenAIEmbedder({ url: mismatched.url, model: 'm', dimensions: 16, maxRetries: 3 });
    await expect(strict.embed('x')).rejects.toThrow(/3 dimensions, expected 16/);
    expect(mismatched.requests).toHaveLength(1); // not retried: the answer will not change
  });

  it('refuses a bad configuration before any request', () => {
    expect(() => new OpenAIEmbedder({ url: 'not a url', model: 'm' })).toThrow(/not a URL/);
    expect(() => new OpenAIEmbedder({ url: 'ftp://x/v1', model: 'm' })).toThrow(/http/);
    expect(() => new OpenAIEmbedder({ url: 'http://x/v1', model: ' ' })).toThrow(/model/);
    expect(() => new OpenAIEmbedder({ url: 'http://x/v1', model: 'm', dimensions: 0 })).toThrow(/dimensions/);
    // 0 would loop forever on the first embedBatch.
    expect(() => new OpenAIEmbedder({ url: 'http://x/v1', model: 'm', batchSize: 0 })).toThrow(
      /^embedder\.batchSize: expected a whole number from 1 to 4096, got 0$/,
    );
  });
});
