import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embeddings/embedder.js';
import { deferredHashing } from '../helpers/embedders.js';
import { createTestEngine } from '../helpers/engine.js';

/** A deferred embedder that counts the texts it is shown, one by one or in batches. */
function countingEmbedder(): Embedder & { shown: string[] } {
  const inner = deferredHashing();
  const shown: string[] = [];
  return {
    ...inner,
    shown,
    embed: (text) => (shown.push(text), inner.embed(text)),
    embedBatch: (texts) => (shown.push(...texts), inner.embedBatch(texts)),
  };
}

describe('query vectors', () => {
  it('embeds a repeated query once, even when writes invalidate its cached result', async () => {
    const embedder = countingEmbedder();
    const engine = await createTestEngine({ embedder });
    const context = { namespace: 'team', agentId: 'alice' };
    await engine.execute('store use pgbouncer in transaction mode', { context });
    await engine.execute('search for connection pooling', { context });
    await engine.execute('store pool size is 20 per instance', { context });
    const again = await engine.execute('search for connection pooling', { context });
    expect(again.cacheHit).toBe(false); // the write made the cached result stale
    expect(embedder.shown.filter((text) => /connection pooling/.test(text))).toHaveLength(1);
    // The two memories were embedded once each, behind their writes.
    expect(embedder.shown.filter((text) => /pgbouncer|pool size/.test(text))).toHaveLength(2);
  });
});
