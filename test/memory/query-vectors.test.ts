import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embeddings/embedder.js';
import { SETTLE_AT_MOST } from '../../src/memory/embedding-backlog.js';
import { deferredHashing } from '../helpers/embedders.js';
import { createEngineOn, createTestEngine, openTestStore, tempDir } from '../helpers/engine.js';

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

describe('settling before a vector search', () => {
  it('asks the store once when nothing is pending', async () => {
    const opened = await openTestStore({ embedder: deferredHashing() });
    const { store } = opened;
    const engine = await createEngineOn(opened);
    const context = { namespace: 'team', agentId: 'alice' };
    await engine.execute('store use pgbouncer in transaction mode', { context });
    await engine.execute('search for connection pooling', { context, useCache: false }); // settles the write
    const pendingEmbeddings = store.pendingEmbeddings.bind(store);
    let asked = 0;
    // Only the search's own asks name the namespace; the background drain after the write
    // (all namespaces) may still be running on a slow machine.
    store.pendingEmbeddings = (namespace, limit) => (namespace && asked++, pendingEmbeddings(namespace, limit));
    await engine.execute('search for transaction mode', { context, useCache: false });
    expect(asked).toBe(1);
  });
});

describe('a backlog', () => {
  it("is handed to the embedder its batchSize at a time, so each of a model's threads gets a batch", async () => {
    const inner = deferredHashing();
    const batches: number[] = [];
    const embedder: Embedder = {
      ...inner,
      batchSize: 50,
      embedBatch: (texts) => (batches.push(texts.length), inner.embedBatch(texts)),
    };
    const engine = await createTestEngine({ embedder });
    const context = { namespace: 'team', agentId: 'alice' };
    await engine.importMemories(Array.from({ length: 120 }, (_, i) => ({ ...context, content: `note ${i}` })));
    await engine.embedPendingMemories();
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(120);
    expect(Math.max(...batches)).toBe(50);
    await engine.close();
  });

  it('stops after the batch in progress once its signal aborts (Ctrl-C): the rest stay pending, and resume', async () => {
    const inner = deferredHashing();
    const abort = new AbortController();
    // The signal aborts while the first batch is being embedded.
    const embedder: Embedder = {
      ...inner,
      batchSize: 50,
      embedBatch: (texts) => (abort.abort(), inner.embedBatch(texts)),
    };
    const opened = await openTestStore({ embedder });
    const engine = await createEngineOn(opened, { backgroundEmbedding: false });
    const context = { namespace: 'team', agentId: 'alice' };
    await engine.importMemories(Array.from({ length: 120 }, (_, i) => ({ ...context, content: `note ${i}` })));
    expect(await engine.embedPendingMemories(undefined, abort.signal)).toBe(50);
    expect(await opened.store.pendingEmbeddings('team', 1000)).toHaveLength(70);
    expect(await engine.embedPendingMemories()).toBe(70);
    await engine.close();
  });
});

describe('an embedder asking for a batch size no backlog can use', () => {
  it('is refused when the engine is made, naming the field, and the store opened for it is closed', async () => {
    const databaseUrl = join(tempDir(), 'refused.db');
    await expect(createTestEngine({ databaseUrl, embedder: { ...deferredHashing(), batchSize: 0 } })).rejects.toThrow(
      /^embedder\.batchSize: expected a whole number from 1 to 4096, got 0$/,
    );
    // SQLite removes the write-ahead log when the last connection closes.
    expect(existsSync(`${databaseUrl}-wal`)).toBe(false);
  });
});

describe('a bulk import behind a vector search', () => {
  it('does not make the search wait for its vectors: full text finds those memories meanwhile', async () => {
    const inner = deferredHashing();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // Memories' vectors wait for the gate; the query's own vector does not.
    const embedder: Embedder = { ...inner, embedBatch: async (texts) => (await gate, inner.embedBatch(texts)) };
    const opened = await openTestStore({ embedder });
    const { store } = opened;
    const engine = await createEngineOn(opened);
    const context = { namespace: 'team', agentId: 'alice' };
    const memories = Array.from({ length: SETTLE_AT_MOST + 50 }, (_, i) => ({
      ...context,
      content: i === 7 ? 'pgbouncer runs in transaction pooling mode' : `imported note number ${i}`,
    }));
    await engine.importMemories(memories);

    const found = await engine.execute('search for pgbouncer pooling', { context, useCache: false });
    expect(found.success).toBe(true);
    expect(JSON.stringify(found.result)).toContain('pgbouncer runs in transaction pooling mode');
    expect(await store.pendingEmbeddings('team', 1000)).toHaveLength(memories.length);

    open(); // the background batches go through
    await expect.poll(() => store.pendingEmbeddings('team', 1000), { timeout: 10_000 }).toEqual([]);
    await engine.close();
  });
});
