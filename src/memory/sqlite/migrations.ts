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

      -- Each namespace owns a contiguous range of memory rowids (see sqlite/namespace-ranges.ts),
      -- so full-text and vector lookups seek straight to it.
      CREATE TABLE namespaces (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

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
      CREATE INDEX memories_by_importance ON memories (namespace, importance DESC, created_at DESC);
      CREATE INDEX memories_by_created ON memories (namespace, created_at DESC);
      CREATE INDEX memories_by_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL;

      -- Carries the memory's importance so "tagged X, most important first" walks one index.
      CREATE TABLE memory_tags (
        namespace TEXT NOT NULL,
        tag TEXT NOT NULL,
        memory_rowid INTEGER NOT NULL REFERENCES memories (rowid) ON DELETE CASCADE,
        importance REAL NOT NULL,
        PRIMARY KEY (namespace, tag, memory_rowid)
      ) WITHOUT ROWID;
      CREATE INDEX memory_tags_by_memory ON memory_tags (memory_rowid);
      CREATE INDEX memory_tags_by_importance ON memory_tags (namespace, tag, importance DESC);

      -- Full-text index over content and tags, kept in step by triggers.
      -- Contentless: the text lives in memories only.
      CREATE VIRTUAL TABLE memories_fts USING fts5(
        content, tags, content = '', contentless_delete = 1, tokenize = 'porter unicode61'
      );
      CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts (rowid, content, tags) VALUES (new.rowid, new.content, new.tags);
      END;
      CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
        DELETE FROM memories_fts WHERE rowid = old.rowid;
      END;
      CREATE TRIGGER memories_fts_update AFTER UPDATE OF tags ON memories BEGIN
        UPDATE memories_fts SET content = new.content, tags = new.tags WHERE rowid = new.rowid;
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
  {
    version: 4,
    name: 'audit log',
    // Append-only in the database itself: no code path, ours or a hand-written query, can rewrite history.
    sql: () => `
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        agent_id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        operation TEXT NOT NULL,
        pattern TEXT,
        target TEXT,
        success INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        error_code TEXT,
        surface TEXT NOT NULL
      );
      CREATE INDEX audit_log_by_agent ON audit_log (agent_id, id);
      CREATE INDEX audit_log_by_time ON audit_log (at);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only');
      END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only');
      END;
    `,
  },
  {
    version: 5,
    name: 'deferred and re-computed embeddings',
    // Memories written before their vector exists (a slow embedder works behind the write), and
    // the vectors of a re-embedding in progress, switched in by one transaction at the end.
    sql: () => `
      CREATE TABLE pending_embeddings (
        rowid INTEGER PRIMARY KEY REFERENCES memories (rowid) ON DELETE CASCADE,
        namespace TEXT NOT NULL
      );
      CREATE INDEX pending_embeddings_by_namespace ON pending_embeddings (namespace, rowid);
      CREATE TABLE memory_vectors_next (
        rowid INTEGER PRIMARY KEY REFERENCES memories (rowid) ON DELETE CASCADE,
        namespace TEXT NOT NULL,
        scale REAL NOT NULL,
        vector BLOB NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'full text written by the store',
    // FTS5 flushes its pending terms at every savepoint, and a trigger runs in one: indexing a
    // memory from a trigger cost ~40 µs against ~5 µs from a statement of the store's own.
    sql: () => `
      DROP TRIGGER memories_fts_insert;
      DROP TRIGGER memories_fts_delete;
      DROP TRIGGER memories_fts_update;
    `,
  },
  {
    version: 7,
    name: 'memory history',
    // Each memory's state before a change or a deletion, so the change can be undone; kept
    // until pruned (30 days by default). Owner and namespace are the memory's, for scoping.
    sql: () => `
      CREATE TABLE memory_history (
        id INTEGER PRIMARY KEY,
        memory_id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        change TEXT NOT NULL CHECK (change IN ('update', 'delete', 'restore')),
        changed_at INTEGER NOT NULL,
        changed_by TEXT NOT NULL,
        memory TEXT NOT NULL,
        UNIQUE (memory_id, version)
      );
      CREATE INDEX memory_history_by_time ON memory_history (changed_at);
      `,
  },
  {
    version: 8,
    name: 'full-text changes',
    // Every write to a memory's searchable fields, in order, so each process's in-process text
    // index (sqlite/sqlite-text-index.ts) catches up on other processes' writes by reading the
    // tail. Only the last 10,000 are kept; a process further behind rebuilds its index.
    sql: () => `
      CREATE TABLE memory_text_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, memory_rowid INTEGER NOT NULL);
      CREATE TRIGGER memory_text_inserted AFTER INSERT ON memories BEGIN
        INSERT INTO memory_text_changes (memory_rowid) VALUES (new.rowid);
        DELETE FROM memory_text_changes WHERE seq = (SELECT max(seq) FROM memory_text_changes) - 10000;
      END;
      CREATE TRIGGER memory_text_deleted AFTER DELETE ON memories BEGIN
        INSERT INTO memory_text_changes (memory_rowid) VALUES (old.rowid);
        DELETE FROM memory_text_changes WHERE seq = (SELECT max(seq) FROM memory_text_changes) - 10000;
      END;
      CREATE TRIGGER memory_text_updated
        AFTER UPDATE OF content, tags, agent_id, access_level, importance, created_at ON memories BEGIN
        INSERT INTO memory_text_changes (memory_rowid) VALUES (new.rowid);
        DELETE FROM memory_text_changes WHERE seq = (SELECT max(seq) FROM memory_text_changes) - 10000;
      END;
    `,
  },
  {
    version: 9,
    name: 'audit counts and retention',
    // Refusals are counted into one row per window. Rows are still never changed, but those
    // older than a day may now be deleted, which is how the retention prunes.
    sql: () => `
      ALTER TABLE audit_log ADD COLUMN count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1);
      DROP TRIGGER audit_log_no_delete;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        WHEN old.at > unixepoch('subsec') * 1000 - 86400000 BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only: only entries older than a day may be deleted');
      END;
    `,
  },
  {
    version: 10,
    name: 'vector blocks',
    // Each namespace's vectors get a seq (their write order, never reused: vector_sequences), so
    // a process catches up with every vector written since it loaded, and their codes are
    // stored in blocks of consecutive seqs, read in one go when a namespace's index loads.
    sql: () => `
      ALTER TABLE memory_vectors ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      UPDATE memory_vectors SET seq = rowid;
      DROP INDEX memory_vectors_by_namespace;
      CREATE INDEX memory_vectors_by_seq ON memory_vectors (namespace, seq);
      CREATE TABLE vector_sequences (namespace TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO vector_sequences (namespace, last_seq) SELECT namespace, max(seq) FROM memory_vectors GROUP BY namespace;
      CREATE TABLE vector_blocks (
        namespace TEXT NOT NULL,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        layout INTEGER NOT NULL,
        count INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (namespace, first_seq)
      );
    `,
  },
  {
    version: 11,
    name: 'full-text changes written by the store',
    // Any trigger on memories runs its row in a savepoint, at which FTS5 (written in the same
    // transaction) flushes its pending terms: the three triggers made an import of 10,000 take
    // 1.15 s instead of 0.80. The store's full-text writes log the change instead
    // (sqlite/sqlite-text-search.ts), in the same transaction, and keep the last 10,000.
    sql: () => `
      DROP TRIGGER memory_text_inserted;
      DROP TRIGGER memory_text_deleted;
      DROP TRIGGER memory_text_updated;
    `,
  },
];
