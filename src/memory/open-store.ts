import type { Logger } from 'pino';
import type { DatabaseTarget } from '../config.js';
import type { Embedder, EmbedderChoice } from '../embeddings/embedder.js';
import type { AuditLog } from './audit-log.js';
import type { ExecutionLog } from './execution-log.js';
import type { PostgresSettingsInput } from './postgres/postgres-settings.js';
import { openSqliteDatabase } from './sqlite/database.js';
import { SqliteAuditLog } from './sqlite/sqlite-audit-log.js';
import { SqliteExecutionLog } from './sqlite/sqlite-execution-log.js';
import { SqliteMemoryStore } from './sqlite/sqlite-memory-store.js';
import type { MemoryStore } from './store.js';

export interface OpenedStore {
  store: MemoryStore;
  /** The embedder chosen (see EmbedderChoice). */
  embedder: Embedder;
  executionLog: ExecutionLog;
  auditLog: AuditLog;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** The embedder, or a choice made from the one the database records. */
  embedder: EmbedderChoice;
  /** Epoch-millisecond clock. */
  now?: (() => number) | undefined;
  /** PostgreSQL connection and pool settings; ignored for SQLite. */
  postgres?: PostgresSettingsInput | undefined;
  logger?: Logger | undefined;
}

/** Opens the backend a database URL names. */
export async function openStore(target: DatabaseTarget, options: OpenStoreOptions): Promise<OpenedStore> {
  const clock = options.now ? { now: options.now } : {};
  let chosen: Embedder | undefined;
  const choice = options.embedder;
  const embedder: EmbedderChoice =
    typeof choice === 'function' ? (recorded) => (chosen = choice(recorded)) : (chosen = choice);
  if (target.kind === 'sqlite') {
    const db = openSqliteDatabase({ path: target.path, embedder });
    const store = new SqliteMemoryStore(db, clock);
    return {
      store,
      embedder: chosen!,
      executionLog: new SqliteExecutionLog(db),
      auditLog: new SqliteAuditLog(db),
      close: async () => {
        try {
          await store.close();
        } finally {
          db.close();
        }
      },
    };
  }
  // Loaded on demand: pg costs the embedded default a noticeable share of CLI start-up.
  const [
    { openPostgresDatabase },
    { PostgresExecutionLog },
    { PostgresAuditLog },
    { PostgresMemoryStore },
    { resolvePostgresSettings },
  ] = await Promise.all([
    import('./postgres/postgres-database.js'),
    import('./postgres/postgres-execution-log.js'),
    import('./postgres/postgres-audit-log.js'),
    import('./postgres/postgres-memory-store.js'),
    import('./postgres/postgres-settings.js'),
  ]);
  const db = await openPostgresDatabase({
    settings: resolvePostgresSettings(target.url, options.postgres),
    embedder,
    ...(options.logger && { logger: options.logger }),
  });
  const store = new PostgresMemoryStore(db, clock);
  return {
    store,
    embedder: chosen!,
    executionLog: new PostgresExecutionLog(db),
    auditLog: new PostgresAuditLog(db),
    close: async () => {
      await store.close();
      await db.close();
    },
  };
}
