import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { openSqliteDatabase } from '../../src/memory/sqlite/database.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { memoryStoreSuite } from '../../src/testing/index.js';

memoryStoreSuite({
  name: 'sqlite',
  open: async () => {
    const db = openSqliteDatabase({ path: ':memory:', embedder: new HashingEmbedder() });
    let now = Date.now();
    const store = new SqliteMemoryStore(db, { now: () => now });
    return {
      store,
      advance: (ms) => void (now += ms),
      cleanup: async () => {
        await store.close();
        db.close();
      },
    };
  },
});

describe('sqlite import', () => {
  it("gives an import's transaction a larger page cache and restores the usual one, whether it commits or not", async () => {
    const db = openSqliteDatabase({ path: ':memory:', embedder: new HashingEmbedder() });
    const store = new SqliteMemoryStore(db);
    const cacheSize = () => db.pragma('cache_size', { simple: true });
    const usual = cacheSize();
    const memory = { namespace: 'ns', agentId: 'a', content: 'a note' };
    await store.importMany([memory], [null]);
    expect(cacheSize()).toBe(usual);
    // A vector of the wrong size fails the import: rolled back, the cache restored all the same.
    await expect(store.importMany([{ ...memory, content: 'another' }], [new Float32Array(3)])).rejects.toThrow();
    expect(cacheSize()).toBe(usual);
    expect(await store.count({ namespace: 'ns', agentId: 'a', admin: true })).toBe(1);
    await store.close();
    db.close();
  });
});
