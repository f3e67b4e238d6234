export interface SqliteMigration {
  version: number;
  name: string;
  sql(): string;
}

/** Applied in order, once each; never edit a shipped migration, add a new one. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'memories',
    sql: () => `
      CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE memories (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        namespace TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        content TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        metadata TEXT NOT NULL DEFAULT '{}',
        importance REAL NOT NULL CHECK (importance BETWEEN 0 AND 1),
        access_level TEXT NOT NULL CHECK (access_level IN ('private', 'team', 'shared', 'public')),
        shared_with TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        accessed_at INTEGER,
        access_count INTEGER NOT NULL DEFAULT 0,
        expires_at INTEGER,
        UNIQUE (namespace, agent_id, content_hash)
      );
      CREATE INDEX memories_by_importance ON memories (namespace, importance DESC);
      CREATE INDEX memories_by_created ON memories (namespace, created_at DESC);
      CREATE INDEX memories_by_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL;

      CREATE TABLE memory_tags (
        namespace TEXT NOT NULL,
        tag TEXT NOT NULL,
        memory_rowid INTEGER NOT NULL REFERENCES memories (rowid) ON DELETE CASCADE,
        PRIMARY KEY (namespace, tag, memory_rowid)
      ) WITHOUT ROWID;
      CREATE INDEX memory_tags_by_memory ON memory_tags (memory_rowid);

      -- Full-text index over content and tags, kept in step by triggers. The scope column
      -- holds one token per namespace so a search intersects with its namespace inside FTS.
      -- Contentless: the text lives in memories only.
      CREATE VIRTUAL TABLE memories_fts USING fts5(
        content, tags, scope, content = '', contentless_delete = 1, tokenize = 'porter unicode61'
      );
      CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts (rowid, content, tags, scope)
        VALUES (new.rowid, new.content, new.tags, 'ns' || hex(new.namespace));
      END;
      CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
        DELETE FROM memories_fts WHERE rowid = old.rowid;
      END;
      CREATE TRIGGER memories_fts_update AFTER UPDATE OF tags ON memories BEGIN
        UPDATE memories_fts SET content = new.content, tags = new.tags, scope = 'ns' || hex(new.namespace)
        WHERE rowid = new.rowid;
      END;
    `,
  },
  {
    version: 2,
    name: 'memory vectors',
    // int8-quantised embeddings (see memory/vector-index.ts), loaded per namespace for k-NN.
    sql: () => `
      CREATE TABLE memory_vectors (
        rowid INTEGER PRIMARY KEY REFERENCES memories (rowid) ON DELETE CASCADE,
        namespace TEXT NOT NULL,
        scale REAL NOT NULL,
        vector BLOB NOT NULL
      );
      CREATE INDEX memory_vectors_by_namespace ON memory_vectors (namespace, rowid);
    `,
  },
  {
    version: 3,
    name: 'execution log',
    sql: () => `
      CREATE TABLE executions (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        agent_id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        pattern TEXT,
        pattern_type TEXT,
        mode TEXT NOT NULL,
        success INTEGER NOT NULL,
        cache_hit INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        tokens_used INTEGER NOT NULL,
        tokens_saved INTEGER NOT NULL,
        error_code TEXT
      );
    `,
  },
];
