import { postingsByCreatedTime, rankedFullText, textChangesTracked } from './text-migrations.js';

export interface PostgresMigrationSettings {
  /** Quoted schema name, e.g. `"tmws"`. */
  schema: string;
  dimensions: number;
  /** Quoted schema of the pgvector extension when vectors use it; null stores them as float32 bytea. */
  vectorSchema: string | null;
}

export interface PostgresMigration {
  version: number;
  name: string;
  sql(settings: PostgresMigrationSettings): string;
}

/**
 * Applied in order, once each, under an advisory lock so instances starting together do not
 * race; never edit a shipped migration, add a new one. Times are epoch milliseconds (bigint),
 * as in SQLite, so both backends compare the same numbers.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'memories',
    sql: ({ schema: s }) => `
      CREATE TABLE ${s}.store_meta (key text PRIMARY KEY, value text NOT NULL);

      CREATE TABLE ${s}.memories (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        namespace text NOT NULL,
        agent_id text NOT NULL,
        content text NOT NULL,
        content_hash text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        metadata jsonb NOT NULL DEFAULT '{}',
        importance double precision NOT NULL CHECK (importance BETWEEN 0 AND 1),
        access_level text NOT NULL CHECK (access_level IN ('private', 'team', 'shared', 'public')),
        shared_with text[] NOT NULL DEFAULT '{}',
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        accessed_at bigint,
        access_count integer NOT NULL DEFAULT 0,
        expires_at bigint,
        -- Content weighted A, tags B: ts_rank then ranks content matches above tag matches.
        search tsvector NOT NULL,
        UNIQUE (namespace, agent_id, content_hash)
      );
      CREATE INDEX memories_search ON ${s}.memories USING gin (search);
      CREATE INDEX memories_tags ON ${s}.memories USING gin (tags);
      CREATE INDEX memories_by_importance ON ${s}.memories (namespace, importance DESC);
      CREATE INDEX memories_by_created ON ${s}.memories (namespace, created_at DESC);
      CREATE INDEX memories_by_expiry ON ${s}.memories (expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'memory vectors',
    // HNSW keeps k-NN sublinear; without pgvector the store scans a bounded candidate set instead.
    sql: ({ schema: s, dimensions, vectorSchema: v }) =>
      v === null
        ? `ALTER TABLE ${s}.memories ADD COLUMN embedding bytea NOT NULL;`
        : `ALTER TABLE ${s}.memories ADD COLUMN embedding ${v}.vector(${dimensions}) NOT NULL;
           CREATE INDEX memories_embedding ON ${s}.memories USING hnsw (embedding ${v}.vector_cosine_ops);`,
  },
  {
    version: 3,
    name: 'execution log',
    sql: ({ schema: s }) => `
      CREATE TABLE ${s}.executions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        agent_id text NOT NULL,
        namespace text NOT NULL,
        pattern text,
        pattern_type text,
        mode text NOT NULL,
        success boolean NOT NULL,
        cache_hit boolean NOT NULL,
        duration_ms double precision NOT NULL,
        tokens_used integer NOT NULL,
        tokens_saved integer NOT NULL,
        error_code text
      );
    `,
  },
  {
    version: 4,
    name: 'audit log',
    // Append-only in the database itself, as in SQLite: a trigger refuses UPDATE and DELETE.
    sql: ({ schema: s }) => `
      CREATE TABLE ${s}.audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        agent_id text NOT NULL,
        namespace text NOT NULL,
        operation text NOT NULL,
        pattern text,
        target text,
        success boolean NOT NULL,
        duration_ms double precision NOT NULL,
        error_code text,
        surface text NOT NULL
      );
      CREATE INDEX audit_log_by_agent ON ${s}.audit_log (agent_id, id);
      CREATE INDEX audit_log_by_time ON ${s}.audit_log (at);
      CREATE FUNCTION ${s}.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
      $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${s}.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_log_append_only();
    `,
  },
  {
    version: 5,
    name: 'deferred and re-computed embeddings',
    // A memory may be written before its vector exists (NULL until a slow embedder catches up);
    // a re-embedding writes its vectors beside the current ones, encoded as the column expects.
    sql: ({ schema: s }) => `
      ALTER TABLE ${s}.memories ALTER COLUMN embedding DROP NOT NULL;
      CREATE INDEX memories_unembedded ON ${s}.memories (namespace, seq) WHERE embedding IS NULL;
      CREATE TABLE ${s}.memory_vectors_next (
        seq bigint PRIMARY KEY REFERENCES ${s}.memories (seq) ON DELETE CASCADE,
        embedding text NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'ranked full text',
    sql: rankedFullText,
  },
  {
    version: 7,
    name: 'memory history',
    // Each memory's state before a change or a deletion, so the change can be undone; kept
    // until pruned (30 days by default). Owner and namespace are the memory's, for scoping.
    sql: ({ schema: s }) => `
      CREATE TABLE ${s}.memory_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        memory_id uuid NOT NULL,
        namespace text NOT NULL,
        agent_id text NOT NULL,
        version integer NOT NULL,
        change text NOT NULL CHECK (change IN ('update', 'delete', 'restore')),
        changed_at bigint NOT NULL,
        changed_by text NOT NULL,
        memory jsonb NOT NULL,
        UNIQUE (memory_id, version)
      );
      CREATE INDEX memory_history_by_time ON ${s}.memory_history (changed_at);
    `,
  },
  {
    version: 8,
    name: 'audit counts and retention',
    // As in SQLite: refusals counted per window; rows never changed, but those older than a
    // day may be deleted, which is how the retention prunes. TRUNCATE stays refused.
    sql: ({ schema: s }) => `
      ALTER TABLE ${s}.audit_log ADD COLUMN count integer NOT NULL DEFAULT 1 CHECK (count >= 1);
      DROP TRIGGER audit_log_append_only ON ${s}.audit_log;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR TRUNCATE ON ${s}.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_log_append_only();
      CREATE FUNCTION ${s}.audit_log_keeps_recent() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only: only entries older than a day may be deleted'; END;
      $$;
      CREATE TRIGGER audit_log_keeps_recent BEFORE DELETE ON ${s}.audit_log FOR EACH ROW
        WHEN (OLD.at > extract(epoch FROM clock_timestamp()) * 1000 - 86400000)
        EXECUTE FUNCTION ${s}.audit_log_keeps_recent();
    `,
  },
  {
    version: 9,
    name: 'postings by created time',
    sql: postingsByCreatedTime,
  },
  {
    version: 10,
    name: 'full-text changes tracked',
    sql: textChangesTracked,
  },
];
