import { ValidationError } from '../errors.js';
import type { DatabaseTarget } from '../config.js';
import type { Embedder } from '../embeddings/embedder.js';
import type { ExecutionLog } from './execution-log.js';
import { openSqliteDatabase } from './sqlite/database.js';
import { SqliteExecutionLog } from './sqlite/sqlite-execution-log.js';
import { SqliteMemoryStore } from './sqlite/sqlite-memory-store.js';
import type { MemoryStore } from './store.js';

export interface OpenedStore {
  store: MemoryStore;
  executionLog: ExecutionLog;
  close(): Promise<void>;
}

/** Opens the backend a database URL names. */
export async function openStore(target: DatabaseTarget, embedder: Embedder, now?: () => number): Promise<OpenedStore> {
  if (target.kind === 'sqlite') {
    const db = openSqliteDatabase({ path: target.path, embedder });
    const store = new SqliteMemoryStore(db, now ? { now } : {});
    return {
      store,
      executionLog: new SqliteExecutionLog(db),
      close: async () => {
        await store.close();
        db.close();
      },
    };
  }
  throw new ValidationError('databaseUrl: PostgreSQL is not supported by this build');
}
