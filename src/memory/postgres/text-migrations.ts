/** BM25 parameters of the full-text ranking (the usual ones). */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Words of a typical memory, against which lengths are normalised (see rankedFullText). */
const AVERAGE_WORDS = 12;

/**
 * BM25 over postings the database keeps itself (migration 6). Each memory's words (the lexemes
 * of its tsvector: content weighted 1, tags 0.5) become rows of memory_terms with their BM25
 * term weight ("impact"), indexed per namespace and word in impact order, so a query reads only
 * the head of each word's list (see postgres-text-search.ts). memory_term_stats keeps each
 * word's document frequency per namespace, and under the word '' the namespace's memory
 * count, for the IDF. Statement triggers keep both in step with memories in bulk.
 *
 * Length is normalised against a fixed typical length (AVERAGE_WORDS) rather than the
 * namespace's running average, so an impact never changes after it is written.
 * The '' row doubles as the namespace's write lock: every trigger takes it first, so
 * writers of one namespace queue there instead of deadlocking on word rows.
 */
export function rankedFullText({ schema: s }: { schema: string }): string {
  const functions = triggerFunctions(s, 'CREATE FUNCTION', { track: false, createdAt: false });
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
${functions.inserted}    CREATE TRIGGER memory_terms_inserted AFTER INSERT ON ${s}.memories
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.memory_terms_inserted();
${functions.deleted}    CREATE TRIGGER memory_terms_deleted AFTER DELETE ON ${s}.memories
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.memory_terms_deleted();
${functions.updated}    CREATE TRIGGER memory_terms_updated AFTER UPDATE OF search ON ${s}.memories
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
 * Migration 8: the memories whose words changed (inserted, re-worded, deleted) since their
 * namespace's text epoch, so a process may keep the heads of posting lists it read during an
 * epoch and only look up the changed memories afresh (see postgres-text-heads.ts). A
 * search that finds too many changed starts a new epoch: under the namespace's write lock,
 * the epoch goes up and the list is emptied.
 */
export function textChangesTracked({ schema: s }: { schema: string }): string {
  return `
    ALTER TABLE ${s}.memory_term_stats ADD COLUMN epoch bigint NOT NULL DEFAULT 0;
    CREATE TABLE ${s}.memory_terms_changed (
      namespace text NOT NULL,
      seq bigint NOT NULL,
      PRIMARY KEY (namespace, seq)
    );
${Object.values(triggerFunctions(s, 'CREATE OR REPLACE FUNCTION', { track: true, createdAt: true })).join('')}`;
}

/**
 * Migration 9: each posting carries its memory's created time (which the store never changes),
 * indexed per word in time order: a windowed search reads only the window's part of each
 * word's list, index only, instead of the whole list or every memory of the window (see
 * postgres-window-search.ts).
 */
export function postingsByCreatedTime({ schema: s }: { schema: string }): string {
  const functions = triggerFunctions(s, 'CREATE OR REPLACE FUNCTION', { track: false, createdAt: true });
  return `
    ALTER TABLE ${s}.memory_terms ADD COLUMN created_at bigint;
    UPDATE ${s}.memory_terms t SET created_at = m.created_at FROM ${s}.memories m WHERE m.seq = t.seq;
    ALTER TABLE ${s}.memory_terms ALTER COLUMN created_at SET NOT NULL;
    CREATE INDEX memory_terms_by_time ON ${s}.memory_terms (namespace, term, created_at) INCLUDE (impact, seq);
${functions.inserted}${functions.updated}
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

/**
 * The triggers' functions: postings and counts follow the memories' words; with `createdAt`,
 * postings carry their memory's created time (migration 9); with `track`, the memories they
 * touch are also listed in memory_terms_changed (migration 10).
 */
function triggerFunctions(s: string, create: string, { track, createdAt }: { track: boolean; createdAt: boolean }) {
  const time = (from: string) =>
    createdAt ? { column: ', created_at', value: `, ${from}.created_at` } : { column: '', value: '' };
  const changed = (rows: string) =>
    track
      ? `
      INSERT INTO ${s}.memory_terms_changed (namespace, seq)
        SELECT namespace, seq FROM ${rows} ON CONFLICT DO NOTHING;`
      : '';
  const lockNamespaces = (rows: string) => `
    INSERT INTO ${s}.memory_term_stats (namespace, term, df)
      SELECT DISTINCT namespace, '', 0 FROM ${rows} ORDER BY namespace ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ${s}.memory_term_stats
      WHERE term = '' AND namespace IN (SELECT namespace FROM ${rows}) ORDER BY namespace FOR UPDATE;`;
  const addCounts = (deltas: string) => `
    INSERT INTO ${s}.memory_term_stats AS st (namespace, term, df)
      SELECT namespace, term, sum(delta) FROM (${deltas}) d
      GROUP BY namespace, term HAVING sum(delta) <> 0 ORDER BY namespace, term
    ON CONFLICT (namespace, term) DO UPDATE SET df = st.df + excluded.df;`;
  return {
    inserted: `
    ${create} ${s}.memory_terms_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${lockNamespaces('new_rows')}
      INSERT INTO ${s}.memory_terms (seq, namespace, term, impact${time('r').column})
        SELECT r.seq, r.namespace, p.term, p.impact${time('r').value} FROM new_rows r, ${s}.bm25_postings(r.search) p;
      ${addCounts(memoryAndWords('new_rows', 1))}${changed('new_rows')}
      RETURN NULL;
    END $$;
`,
    deleted: `
    ${create} ${s}.memory_terms_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${lockNamespaces('old_rows')}
      DELETE FROM ${s}.memory_terms t USING old_rows r WHERE t.seq = r.seq;
      ${addCounts(memoryAndWords('old_rows', -1))}${changed('old_rows')}
      RETURN NULL;
    END $$;
`,
    updated: `
    -- Rare (a re-store or update changing tags), so per row; reads that only touch access
    -- counters leave the tsvector alone and skip this.
    ${create} ${s}.memory_terms_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM ${s}.memory_term_stats WHERE namespace = NEW.namespace AND term = '' FOR UPDATE;
      DELETE FROM ${s}.memory_terms WHERE seq = OLD.seq;
      INSERT INTO ${s}.memory_terms (seq, namespace, term, impact${time('NEW').column})
        SELECT NEW.seq, NEW.namespace, p.term, p.impact${time('NEW').value} FROM ${s}.bm25_postings(NEW.search) p;
      ${addCounts(`SELECT NEW.namespace AS namespace, lexeme AS term, -1 AS delta FROM unnest(OLD.search)
        UNION ALL SELECT NEW.namespace, lexeme, 1 FROM unnest(NEW.search)`)}${
        track
          ? `
      INSERT INTO ${s}.memory_terms_changed (namespace, seq) VALUES (NEW.namespace, NEW.seq) ON CONFLICT DO NOTHING;`
          : ''
      }
      RETURN NULL;
    END $$;
`,
  };
}

function memoryAndWords(rows: string, delta: number): string {
  return `
    SELECT namespace, '' AS term, ${delta} AS delta FROM ${rows}
    UNION ALL SELECT r.namespace, w.lexeme, ${delta} FROM ${rows} r, unnest(r.search) w`;
}
