export interface PostgresMigrationSettings {
  /** Quoted schema name, e.g. `"tmws"`. */
  schema: string;
  dimensions: number;
  /** Quoted schema of the pgvector extension when vectors use it; null stores them as float32 bytea. */
  vectorSchema: string | null;
}

/** BM25 parameters of the full-text ranking (the usual ones). */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Words of a typical memory, against which lengths are normalised (see rankedFullText). */
const AVERAGE_WORDS = 12;

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
];

/**
 * BM25 over postings the database keeps itself. Each memory's words (the lexemes of its
 * tsvector: content weighted 1, tags 0.5) become rows of memory_terms with their BM25 term
 * weight ("impact"), indexed per namespace and word in impact order, so a query reads only
 * the head of each word's list (see postgres-text-search.ts). memory_term_stats keeps each
 * word's document frequency per namespace, and under the word '' the namespace's memory
 * count, for the IDF. Statement triggers keep both in step with memories in bulk.
 *
 * Length is normalised against a fixed typical length (AVERAGE_WORDS) rather than the
 * namespace's running average, so an impact never changes after it is written.
 * The '' row doubles as the namespace's write lock: every trigger takes it first, so
 * writers of one namespace queue there instead of deadlocking on word rows.
 */
/** Takes each namespace's '' row first, so writers of one namespace queue there (see rankedFullText). */
const lockNamespaces = (s: string, rows: string) => `
    INSERT INTO ${s}.memory_term_stats (namespace, term, df)
      SELECT DISTINCT namespace, '', 0 FROM ${rows} ORDER BY namespace ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ${s}.memory_term_stats
      WHERE term = '' AND namespace IN (SELECT namespace FROM ${rows}) ORDER BY namespace FOR UPDATE;`;
const addCounts = (s: string, deltas: string) => `
    INSERT INTO ${s}.memory_term_stats AS st (namespace, term, df)
      SELECT namespace, term, sum(delta) FROM (${deltas}) d
      GROUP BY namespace, term HAVING sum(delta) <> 0 ORDER BY namespace, term
    ON CONFLICT (namespace, term) DO UPDATE SET df = st.df + excluded.df;`;
const memoryAndWords = (rows: string, delta: number) => `
    SELECT namespace, '' AS term, ${delta} AS delta FROM ${rows}
    UNION ALL SELECT r.namespace, w.lexeme, ${delta} FROM ${rows} r, unnest(r.search) w`;

function rankedFullText({ schema: s }: PostgresMigrationSettings): string {
  return `
    CREATE TABLE ${s}.memory_terms (
      seq bigint NOT NULL,
      namespace text NOT NULL,
      term text NOT NULL,
      impact double precision NOT NULL,
      PRIMARY KEY (seq, term)
    );
    CREATE INDEX memory_terms_by_impact ON ${s}.memory_terms (namespace, term, impact DESC, seq DESC);
    CREATE TABLE ${s}.memory_term_stats (
      namespace text NOT NULL,
      term text NOT NULL,
      df integer NOT NULL,
      PRIMARY KEY (namespace, term)
    );

    CREATE FUNCTION ${s}.bm25_postings(doc tsvector) RETURNS TABLE (term text, impact double precision)
    LANGUAGE sql IMMUTABLE AS $$
      WITH words AS (
        SELECT w.lexeme AS term,
          (SELECT sum(CASE weight WHEN 'A' THEN 1.0 ELSE 0.5 END) FROM unnest(w.weights) weight)::float8 AS tf
        FROM unnest(doc) w),
      doc_length AS (SELECT sum(tf) AS words FROM words)
      SELECT term, tf * (${BM25_K1} + 1) / (tf + ${BM25_K1} * (1 - ${BM25_B} + ${BM25_B} * words / ${AVERAGE_WORDS}))
      FROM words, doc_length
    $$;

    CREATE FUNCTION ${s}.memory_terms_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${lockNamespaces(s, 'new_rows')}
      INSERT INTO ${s}.memory_terms (seq, namespace, term, impact)
        SELECT r.seq, r.namespace, p.term, p.impact FROM new_rows r, ${s}.bm25_postings(r.search) p;
      ${addCounts(s, memoryAndWords('new_rows', 1))}
      RETURN NULL;
    END $$;
    CREATE TRIGGER memory_terms_inserted AFTER INSERT ON ${s}.memories
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.memory_terms_inserted();

    CREATE FUNCTION ${s}.memory_terms_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${lockNamespaces(s, 'old_rows')}
      DELETE FROM ${s}.memory_terms t USING old_rows r WHERE t.seq = r.seq;
      ${addCounts(s, memoryAndWords('old_rows', -1))}
      RETURN NULL;
    END $$;
    CREATE TRIGGER memory_terms_deleted AFTER DELETE ON ${s}.memories
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.memory_terms_deleted();

    -- Rare (a re-store or update changing tags), so per row; reads that only touch access
    -- counters leave the tsvector alone and skip this.
    CREATE FUNCTION ${s}.memory_terms_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM ${s}.memory_term_stats WHERE namespace = NEW.namespace AND term = '' FOR UPDATE;
      DELETE FROM ${s}.memory_terms WHERE seq = OLD.seq;
      INSERT INTO ${s}.memory_terms (seq, namespace, term, impact)
        SELECT NEW.seq, NEW.namespace, p.term, p.impact FROM ${s}.bm25_postings(NEW.search) p;
      ${addCounts(
        s,
        `SELECT NEW.namespace AS namespace, lexeme AS term, -1 AS delta FROM unnest(OLD.search)
        UNION ALL SELECT NEW.namespace, lexeme, 1 FROM unnest(NEW.search)`,
      )}
      RETURN NULL;
    END $$;
    CREATE TRIGGER memory_terms_updated AFTER UPDATE OF search ON ${s}.memories
      FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search) EXECUTE FUNCTION ${s}.memory_terms_updated();

    -- Memories already stored get their postings here; the GIN index is no longer read.
    INSERT INTO ${s}.memory_terms (seq, namespace, term, impact)
      SELECT m.seq, m.namespace, p.term, p.impact FROM ${s}.memories m, ${s}.bm25_postings(m.search) p;
    INSERT INTO ${s}.memory_term_stats (namespace, term, df)
      SELECT namespace, term, sum(delta) FROM (${memoryAndWords(`${s}.memories`, 1)}) d GROUP BY namespace, term;
    DROP INDEX ${s}.memories_search;
  `;
}

/**
 * Each posting carries its memory's created time (which never changes), indexed per word in
 * time order: a windowed search reads only the window's part of each word's list, index only,
 * instead of the whole list or every memory of the window (see postgres-window-search.ts).
 */
function postingsByCreatedTime({ schema: s }: PostgresMigrationSettings): string {
  return `
    ALTER TABLE ${s}.memory_terms ADD COLUMN created_at bigint;
    UPDATE ${s}.memory_terms t SET created_at = m.created_at FROM ${s}.memories m WHERE m.seq = t.seq;
    ALTER TABLE ${s}.memory_terms ALTER COLUMN created_at SET NOT NULL;
    CREATE INDEX memory_terms_by_time ON ${s}.memory_terms (namespace, term, created_at) INCLUDE (impact, seq);

    CREATE OR REPLACE FUNCTION ${s}.memory_terms_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${lockNamespaces(s, 'new_rows')}
      INSERT INTO ${s}.memory_terms (seq, namespace, term, impact, created_at)
        SELECT r.seq, r.namespace, p.term, p.impact, r.created_at FROM new_rows r, ${s}.bm25_postings(r.search) p;
      ${addCounts(s, memoryAndWords('new_rows', 1))}
      RETURN NULL;
    END $$;

    CREATE OR REPLACE FUNCTION ${s}.memory_terms_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM ${s}.memory_term_stats WHERE namespace = NEW.namespace AND term = '' FOR UPDATE;
      DELETE FROM ${s}.memory_terms WHERE seq = OLD.seq;
      INSERT INTO ${s}.memory_terms (seq, namespace, term, impact, created_at)
        SELECT NEW.seq, NEW.namespace, p.term, p.impact, NEW.created_at FROM ${s}.bm25_postings(NEW.search) p;
      ${addCounts(
        s,
        `SELECT NEW.namespace AS namespace, lexeme AS term, -1 AS delta FROM unnest(OLD.search)
        UNION ALL SELECT NEW.namespace, lexeme, 1 FROM unnest(NEW.search)`,
      )}
      RETURN NULL;
    END $$;

    -- The store never moves a memory in time; an operator's UPDATE may, and the postings follow.
    CREATE FUNCTION ${s}.memory_terms_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE ${s}.memory_terms SET created_at = NEW.created_at WHERE seq = NEW.seq;
      RETURN NULL;
    END $$;
    CREATE TRIGGER memory_terms_moved AFTER UPDATE OF created_at ON ${s}.memories
      FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION ${s}.memory_terms_moved();
  `;
}
