import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError, ValidationError } from '../../errors.js';
import type { EmbedderChoice, EmbedderIdentity } from '../../embeddings/embedder.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /** A file path or ':memory:'. */
  path: string;
  /**
   * The embedder the vectors come from (a database keeps the one it records), or a choice
   * made from what the database records (undefined for a new one).
   */
  embedder: EmbedderChoice<EmbedderIdentity>;
}

/**
 * Opens (creating if needed) the embedded database: WAL journal so readers never block the
 * writer, migrations applied in order, each in a transaction.
 */
export function openSqliteDatabase({ path, embedder }: OpenSqliteOptions): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StoreUnavailableError(`Cannot open SQLite database '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // SQLite's own default of 2 MiB (better-sqlite3 raises it to 16 MiB): the OS page cache
    // serves the rest at memcpy speed, and resident memory is part of the budget.
    db.pragma('cache_size = -2000');
    migrate(db);
    checkEmbedder(db, typeof embedder === 'function' ? embedder(recordedEmbedder(db)) : embedder);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql());
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }).immediate();
  }
}

/** The embedder whose vectors the database holds, or undefined for a new database. */
export function recordedEmbedder(db: SqliteDatabase): EmbedderIdentity | undefined {
  const get = db.prepare<[string], string>('SELECT value FROM store_meta WHERE key = ?').pluck();
  const id = get.get('embedder_id');
  return id === undefined ? undefined : { id, dimensions: Number(get.get('embedder_dimensions')) };
}

/** Vectors from two different embedders are not comparable, so a database is bound to one. */
function checkEmbedder(db: SqliteDatabase, embedder: EmbedderIdentity): void {
  const recorded = recordedEmbedder(db);
  if (recorded === undefined) {
    db.prepare('INSERT INTO store_meta (key, value) VALUES (?, ?), (?, ?)').run(
      'embedder_id',
      embedder.id,
      'embedder_dimensions',
      String(embedder.dimensions),
    );
    return;
  }
  if (recorded.id !== embedder.id || recorded.dimensions !== embedder.dimensions) {
    throw new ValidationError(
      `embedder: this database holds vectors from '${recorded.id}', but the engine was given '${embedder.id}'; use the same embedder, or switch with 'tmws-patterns memory reembed --embedder …'`,
    );
  }
}
