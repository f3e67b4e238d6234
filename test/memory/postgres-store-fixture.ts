import type { Embedder } from '../../src/embeddings/embedder.js';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/memory/postgres/postgres-database.js';
import { PostgresMemoryStore } from '../../src/memory/postgres/postgres-memory-store.js';
import { resolvePostgresSettings, type PostgresSettingsInput } from '../../src/memory/postgres/postgres-settings.js';
import { uniqueName } from '../helpers/services.js';
import type { StoreUnderTest } from '../../src/testing/index.js';

/**
 * One schema per test file (so concurrent runs never collide), opened on first use; each test
 * gets its own store and clock and empties the tables it wrote to. `teardown` drops the schema.
 */
export function postgresStoreFixture(
  url: () => string,
  settings: PostgresSettingsInput = {},
): {
  create: () => Promise<StoreUnderTest>;
  database: () => Promise<PostgresDatabase>;
  /** Opens the same schema again (closing it at once), as another instance would. */
  reopen: (overrides: PostgresSettingsInput, embedder?: Embedder) => Promise<void>;
  teardown: () => Promise<void>;
} {
  const schema = uniqueName('tmws_test');
  let opened: Promise<PostgresDatabase> | undefined;
  const database = (): Promise<PostgresDatabase> =>
    (opened ??= openPostgresDatabase({
      settings: resolvePostgresSettings(url(), { schema, ...settings }),
      embedder: new HashingEmbedder(),
    }));
  return {
    database,
    reopen: async (overrides, embedder = new HashingEmbedder()) => {
      const db = await openPostgresDatabase({
        settings: resolvePostgresSettings(url(), { schema, ...settings, ...overrides }),
        embedder,
      });
      await db.close();
    },
    create: async () => {
      const db = await database();
      let now = Date.now();
      const store = new PostgresMemoryStore(db, { now: () => now });
      return {
        store,
        advance: (ms) => void (now += ms),
        cleanup: async () => {
          await db.pool.query(
            `TRUNCATE ${db.schema}.memories, ${db.schema}.memory_terms, ${db.schema}.memory_term_stats, ${db.schema}.memory_terms_changed, ${db.schema}.memory_history CASCADE`,
          );
        },
      };
    },
    teardown: async () => {
      if (!opened) return;
      const db = await opened;
      await db.pool.query(`DROP SCHEMA ${db.schema} CASCADE`);
      await db.close();
    },
  };
}
