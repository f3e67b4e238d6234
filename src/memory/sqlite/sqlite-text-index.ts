import type { Statement } from 'better-sqlite3';
import type { SearchQuery } from '../store.js';
import { TextIndex, type IndexedDocument } from '../full-text/text-index.js';
import { allMatches, topK, type TextFilter, type TextHit, type TextSource } from '../full-text/text-top-k.js';
import type { SqliteDatabase } from './database.js';
import type { RowidRange } from './namespace-ranges.js';

/** Rows a search may index before answering; beyond, the rest is read in the background. */
const SYNC_ROWS = 5000;
/** Rows read per background step (a few milliseconds: other reads go between steps). */
const STEP_ROWS = 2000;

interface Loaded {
  namespace: string;
  index: TextIndex;
  range: RowidRange;
  /** The last change (memory_text_changes.seq) the index reflects. */
  seq: number;
  /** While building: the last rowid read, and the change the build catches up from. */
  building: { after: number; fromSeq: number } | null;
  background: NodeJS.Immediate | null;
}

type Row = {
  rowid: number;
  content: string;
  tags: string;
  agent_id: string;
  access_level: IndexedDocument['accessLevel'];
  importance: number;
  created_at: number;
};

/**
 * The in-process full-text index of each namespace (full-text/text-index.ts), built from the
 * memories table on its first search and kept current from memory_text_changes (migration 8),
 * which records this process's writes and every other process's alike. A search finds it
 * current after at most SYNC_ROWS rows of catching up; a larger build or catch-up goes on in
 * the background, a step at a time, and FTS5 answers meanwhile.
 */
export class SqliteTextIndexes {
  readonly #loaded = new Map<string, Loaded>();
  readonly #rows: Statement;
  readonly #row: Statement;
  readonly #texts: Statement;
  readonly #lastSeq: Statement;
  readonly #firstSeq: Statement;
  readonly #changes: Statement;
  readonly #tagged: Statement;
  readonly #beyond: Statement;
  readonly #count: Statement;

  constructor(db: SqliteDatabase) {
    const columns = 'rowid, content, tags, agent_id, access_level, importance, created_at';
    this.#rows = db.prepare(`SELECT ${columns} FROM memories WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`);
    this.#row = db.prepare(`SELECT ${columns} FROM memories WHERE rowid = ?`);
    this.#texts = db.prepare(
      'SELECT m.rowid, m.content, m.tags FROM json_each(?) j CROSS JOIN memories m ON m.rowid = j.value',
    );
    this.#lastSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM memory_text_changes').pluck();
    this.#firstSeq = db.prepare('SELECT min(seq) FROM memory_text_changes').pluck();
    this.#changes = db.prepare(
      'SELECT seq, memory_rowid AS rowid FROM memory_text_changes WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.#count = db.prepare('SELECT count(*) FROM memories WHERE namespace = ?').pluck(); // an index's count: 5 ms at 100,000
    this.#beyond = db.prepare('SELECT rowid FROM memories WHERE rowid BETWEEN ? AND ? LIMIT 1 OFFSET ?');
    this.#tagged = db.prepare('SELECT memory_rowid FROM memory_tags WHERE namespace = ? AND tag = ?').pluck();
  }

  /** The namespace's index if it is current (after a little catching up), else null (see class doc). */
  current(namespace: string, range: RowidRange): TextIndex | null {
    let loaded = this.#loaded.get(namespace);
    if (!loaded) {
      loaded = { namespace, index: new TextIndex(range.lo), range, seq: 0, building: null, background: null };
      this.#loaded.set(namespace, loaded);
      this.#startBuild(loaded);
    }
    // A namespace too large to index within one search is built in the background from the start.
    const large = loaded.building?.after === range.lo && this.#beyond.get(range.lo, range.hi, SYNC_ROWS) !== undefined;
    if (loaded.background === null && !large && this.#advance(loaded, SYNC_ROWS)) return loaded.index;
    this.#inBackground(loaded);
    return null;
  }

  /** Candidates best first, in widening pages, for the reader and filters of `query`. */
  *ranked(index: TextIndex, terms: readonly string[], filter: TextFilter, first: number): Generator<TextHit[]> {
    const source = this.#source();
    for (let k = first, given = 0; ; k *= 4) {
      const hits = topK(index, terms, k, filter, source);
      if (hits.length > given) yield hits.slice(given);
      if (hits.length < k) return;
      given = hits.length;
    }
  }

  /** Every match the reader may see, for orders other than relevance. */
  all(index: TextIndex, terms: readonly string[], filter: TextFilter): TextHit[] {
    return allMatches(index, terms, filter, this.#source());
  }

  /** The filter of a reader (null: every agent) and a query's tags, importance and time window. */
  filter(namespace: string, agentId: string | null, query: Omit<SearchQuery, 'text' | 'limit'>): TextFilter {
    let allowed: Set<number> | undefined;
    for (const tag of query.tags ?? []) {
      const rowids = this.#tagged.all(namespace, tag.trim().toLowerCase()) as number[];
      allowed = new Set(allowed === undefined ? rowids : rowids.filter((r) => allowed!.has(r)));
    }
    return {
      agentId,
      ...(query.ownOnly && { ownOnly: true }),
      ...(query.minImportance !== undefined && { minImportance: query.minImportance }),
      ...(query.createdAfter !== undefined && { from: query.createdAfter }),
      ...(query.createdBefore !== undefined && { to: query.createdBefore }),
      ...(allowed !== undefined && { allowed }),
    };
  }

  /** Bytes of the typed arrays of every loaded index. */
  get byteLength(): number {
    let bytes = 0;
    for (const { index } of this.#loaded.values()) bytes += index.byteLength;
    return bytes;
  }

  close(): void {
    for (const loaded of this.#loaded.values()) if (loaded.background) clearImmediate(loaded.background);
    this.#loaded.clear();
  }

  #source(): TextSource {
    return (rowids) =>
      new Map(
        (this.#texts.all(JSON.stringify(rowids)) as Array<{ rowid: number; content: string; tags: string }>).map(
          (r) => [r.rowid, r],
        ),
      );
  }

  #startBuild(loaded: Loaded): void {
    loaded.index = new TextIndex(loaded.range.lo);
    loaded.index.beginBuild(this.#count.get(loaded.namespace) as number);
    loaded.building = { after: loaded.range.lo, fromSeq: this.#lastSeq.get() as number };
  }

  /** Does up to `budget` rows of building or catching up; true once the index is current. */
  #advance(loaded: Loaded, budget: number): boolean {
    const build = loaded.building;
    if (build) {
      const rows = this.#rows.all(build.after, loaded.range.hi, budget) as Row[];
      for (const row of rows) loaded.index.add(document(row)); // sealed once, below
      if (rows.length === budget) {
        build.after = rows[rows.length - 1]!.rowid;
        return false;
      }
      loaded.index.seal();
      loaded.seq = build.fromSeq;
      loaded.building = null;
      budget -= rows.length;
    }
    const last = this.#lastSeq.get() as number;
    if (last === loaded.seq) return true;
    const first = (this.#firstSeq.get() as number | null) ?? last + 1;
    if (first > loaded.seq + 1) {
      // Changes it has not seen were dropped (only the last 10,000 are kept): build anew.
      this.#startBuild(loaded);
      return false;
    }
    const changes = this.#changes.all(loaded.seq, Math.max(budget, 1)) as Array<{ seq: number; rowid: number }>;
    for (const { seq, rowid } of changes) {
      loaded.seq = seq;
      if (rowid < loaded.range.lo || rowid > loaded.range.hi) continue;
      loaded.index.remove(rowid);
      const row = this.#row.get(rowid) as Row | undefined;
      if (row) loaded.index.add(document(row));
    }
    return loaded.seq === last;
  }

  #inBackground(loaded: Loaded): void {
    if (loaded.background) return;
    const step = () => {
      loaded.background = null;
      try {
        if (!this.#advance(loaded, STEP_ROWS)) loaded.background = setImmediate(step);
      } catch {
        // Busy or closed: the next search tries again.
      }
    };
    loaded.background = setImmediate(step);
  }
}

function document(row: Row): IndexedDocument {
  return {
    rowid: row.rowid,
    content: row.content,
    tags: row.tags,
    agentId: row.agent_id,
    accessLevel: row.access_level,
    importance: row.importance,
    createdAt: row.created_at,
  };
}
