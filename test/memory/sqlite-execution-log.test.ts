import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { openSqliteDatabase } from '../../src/memory/sqlite/database.js';
import { SqliteExecutionLog } from '../../src/memory/sqlite/sqlite-execution-log.js';
import { executionLogSuite } from '../../src/testing/index.js';

executionLogSuite({
  name: 'sqlite',
  open: async () => {
    const db = openSqliteDatabase({ path: ':memory:', embedder: new HashingEmbedder() });
    return { log: new SqliteExecutionLog(db), cleanup: async () => void db.close() };
  },
});
