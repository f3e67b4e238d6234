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
