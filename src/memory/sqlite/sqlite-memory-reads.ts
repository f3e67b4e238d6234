import { searchTerms } from '../records.js';
import type { Memory, MemoryFilter, NearestQuery, Scope, ScoredMemory, SearchQuery, TagCount } from '../store.js';
import type { AccessCounts } from './access-counts.js';
import type { NamespaceRanges } from './namespace-ranges.js';
import { toMemory, type MemoryRow } from './rows.js';
import { VISIBLE, filterClauses } from './sqlite-read-queries.js';
import { matchExpression, type SqliteTextSearch } from './sqlite-text-search.js';
import type { SqliteVectors } from './sqlite-vectors.js';
import type { Statements } from './statements.js';

/**
 * Vectors re-scored exactly per requested result, from the best estimates of their codes
 * (at least MIN_SHORTLIST); widened if too few of them are visible to the reader.
 */
const SHORTLIST_PER_RESULT = 10;
const MIN_SHORTLIST = 100;
/** The smallest `rowid IN (…)` list a lookup prepares (see #lookup). */
const MIN_IN_SLOTS = 16;
/** The largest, well below SQLite's limit of bound parameters; a larger batch is looked up in parts. */
const MAX_IN_SLOTS = 1024;

export interface SqliteReadParts {
  statements: Statements;
  text: SqliteTextSearch;
  vectors: SqliteVectors;
  namespaces: NamespaceRanges;
  accesses: AccessCounts;
  now: () => number;
}

type Order = NonNullable<SearchQuery['orderBy']>;

const ORDER_SQL: Readonly<Record<Exclude<Order, 'relevance'>, { score: string; order: string }>> = {
  importance: { score: 'm.importance', order: 'm.importance DESC, m.created_at DESC' },
  'least-important': { score: 'm.importance', order: 'm.importance ASC, m.created_at DESC' },
  recent: { score: 'm.created_at', order: 'm.created_at DESC' },
  oldest: { score: 'm.created_at', order: 'm.created_at ASC' },
};

/** Every read of the memories: searches, neighbours, lookups, counts. A read never takes the write lock. */
export class SqliteMemoryReads {
  readonly #parts: SqliteReadParts;

  constructor(parts: SqliteReadParts) {
    this.#parts = parts;
  }

  get(scope: Scope, id: string): Memory | null {
    const row = this.#sql(`SELECT m.* FROM memories m WHERE m.id = @id AND ${VISIBLE}`).get({
      ...this.#params(scope),
      id,
    }) as MemoryRow | undefined;
    return row ? this.#touch([row])[0]! : null;
  }

  search(scope: Scope, query: SearchQuery): ScoredMemory[] {
    const terms = searchTerms(query.text, query.synonyms);
    // A text of filler words only ("recall memories") lists instead of matching nothing.
    if (terms.length === 0) return this.#list(scope, query);
    const range = this.#parts.namespaces.find(scope.namespace);
    if (!range) return [];
    const candidates = this.#parts.text.candidates(scope, query, range, terms);
    return this.#touch(this.#fetchCandidates(scope, query, candidates, query.orderBy ?? 'relevance')) as ScoredMemory[];
  }

  nearest(scope: Scope, query: NearestQuery): ScoredMemory[] {
    const window = { from: query.createdAfter, to: query.createdBefore };
    for (let shortlist = Math.max(MIN_SHORTLIST, query.limit * SHORTLIST_PER_RESULT); ; shortlist *= 4) {
      const { neighbours, exhausted } = this.#parts.vectors.nearest(
        scope.namespace,
        query.embedding,
        shortlist,
        window,
      );
      const rows = this.#fetchCandidates(scope, { ...query, text: undefined }, [neighbours], 'relevance');
      // Too few neighbours were visible to this agent: widen, until the window is exhausted.
      if (rows.length >= query.limit || exhausted) return this.#touch(rows) as ScoredMemory[];
    }
  }

  count(scope: Scope, filter: MemoryFilter = {}): number {
    const { filters, values } = filterClauses(filter);
    const params = { ...this.#params(scope), ...values };
    const terms = searchTerms(filter.text, filter.synonyms);
    if (terms.length === 0) {
      return this.#sql(`SELECT count(*) FROM memories m WHERE ${VISIBLE} ${filters}`).pluck().get(params) as number;
    }
    const range = this.#parts.namespaces.find(scope.namespace);
    if (!range) return 0;
    return this.#sql(
      `SELECT count(*) FROM memories_fts f CROSS JOIN memories m ON m.rowid = f.rowid
       WHERE memories_fts MATCH @match AND f.rowid BETWEEN @lo AND @hi AND ${VISIBLE} ${filters}`,
    )
      .pluck()
      .get({ ...params, match: matchExpression(terms), lo: range.lo, hi: range.hi }) as number;
  }

  tagCounts(scope: Scope, filter: Omit<MemoryFilter, 'text' | 'synonyms'>, limit: number): TagCount[] {
    const { filters, values } = filterClauses(filter);
    return this.#sql(
      `SELECT t.tag AS tag, count(*) AS count FROM memory_tags t CROSS JOIN memories m ON m.rowid = t.memory_rowid
       WHERE t.namespace = @namespace AND ${VISIBLE} ${filters}
       GROUP BY t.tag ORDER BY count DESC, t.tag LIMIT @limit`,
    ).all({ ...this.#params(scope), ...values, limit }) as TagCount[];
  }

  /**
   * Lists without text, in an order. With a tag, the tag's own index (which carries
   * importance) is walked; otherwise the namespace's ordered index. Either way SQLite stops
   * once `limit` rows pass the filters.
   */
  #list(scope: Scope, query: SearchQuery): ScoredMemory[] {
    const [firstTag, ...otherTags] = query.tags ?? [];
    const { filters, values } = filterClauses({ ...query, tags: otherTags });
    const orderBy = query.orderBy === undefined || query.orderBy === 'relevance' ? 'importance' : query.orderBy;
    const { score, order } = ORDER_SQL[orderBy];
    const sql =
      firstTag === undefined
        ? `SELECT m.*, ${score} AS score FROM memories m WHERE ${VISIBLE} ${filters} ORDER BY ${order} LIMIT @limit`
        : `SELECT m.*, ${score} AS score
           FROM memory_tags t CROSS JOIN memories m ON m.rowid = t.memory_rowid
           WHERE t.namespace = @namespace AND t.tag = @firstTag AND ${VISIBLE} ${filters}
           ORDER BY ${orderBy === 'importance' ? 't.importance DESC' : orderBy === 'least-important' ? 't.importance ASC' : order} LIMIT @limit`;
    const rows = this.#sql(sql).all({
      ...this.#params(scope),
      ...values,
      ...(firstTag !== undefined && { firstTag: firstTag.trim().toLowerCase() }),
      limit: query.limit,
    }) as MemoryRow[];
    return this.#touch(rows) as ScoredMemory[];
  }

  /**
   * Keeps the ranked candidates the scope may see and the filters accept, in the order
   * asked for. By relevance it looks up a batch at a time in rank order and stops once it
   * has enough (pulling no further groups); in other orders it needs them all, and SQLite
   * keeps the best `limit` as it goes.
   */
  #fetchCandidates(
    scope: Scope,
    query: Omit<SearchQuery, 'text'> & { text?: undefined | string },
    groups: Iterable<ReadonlyArray<{ rowid: number; score: number }>>,
    orderBy: Order,
  ): MemoryRow[] {
    const { filters, values } = filterClauses(query);
    const params = { ...this.#params(scope), ...values };
    if (orderBy !== 'relevance') {
      const candidates = [...groups].flat();
      const order = orderBy === 'importance' ? 'm.importance DESC, j.key' : ORDER_SQL[orderBy].order;
      // CROSS JOIN fixes the join order: look up each candidate by rowid, never scan the namespace.
      const rows = this.#sql(
        `SELECT m.*, j.key AS position FROM json_each(@rowids) j CROSS JOIN memories m ON m.rowid = j.value
         WHERE ${VISIBLE} ${filters} ORDER BY ${order} LIMIT @limit`,
      ).all({ ...params, rowids: JSON.stringify(candidates.map((c) => c.rowid)), limit: query.limit }) as Array<
        MemoryRow & { position?: number }
      >;
      for (const row of rows) {
        const position = row.position!;
        delete row.position;
        row.score = candidates[position]!.score;
      }
      return rows;
    }
    // Each row read costs a few microseconds: the first batch is what a reader who may see
    // everything needs, and each later one twice the last (up to MAX_IN_SLOTS), in case many
    // are hidden from it.
    let batchSize = Math.min(query.limit + 2, MAX_IN_SLOTS);
    const rows: MemoryRow[] = [];
    for (const group of groups) {
      for (
        let start = 0;
        start < group.length && rows.length < query.limit;
        start += batchSize, batchSize = Math.min(batchSize * 2, MAX_IN_SLOTS)
      ) {
        rows.push(...this.#lookup(group.slice(start, start + batchSize), filters, params, query.limit - rows.length));
      }
      if (rows.length >= query.limit) break;
    }
    return rows;
  }

  /**
   * The first `limit` of a batch of candidates that pass the filters, in the batch's order
   * (scores of text candidates ranked over different word sets do not compare: see
   * SqliteTextSearch). `rowid IN (…)` costs half of a join with json_each of the same
   * rowids; NOT INDEXED keeps SQLite from reading the namespace's index instead of the
   * rowids. One statement per power-of-two batch size, padded with NULL (which matches nothing).
   */
  #lookup(
    batch: ReadonlyArray<{ rowid: number; score: number }>,
    filters: string,
    params: Record<string, unknown>,
    limit: number,
  ): MemoryRow[] {
    const slots = Math.max(MIN_IN_SLOTS, 2 ** Math.ceil(Math.log2(batch.length)));
    const rowids = new Array<number | null>(slots).fill(null);
    const position = new Map<number, number>();
    batch.forEach(({ rowid }, i) => {
      rowids[i] = rowid;
      position.set(rowid, i);
    });
    const rows = this.#sql(
      `SELECT m.* FROM memories m NOT INDEXED WHERE m.rowid IN (${'?,'.repeat(slots - 1)}?) AND ${VISIBLE} ${filters}`,
    ).all(...rowids, params) as MemoryRow[];
    rows.sort((a, b) => position.get(a.rowid)! - position.get(b.rowid)!);
    if (rows.length > limit) rows.length = limit;
    for (const row of rows) row.score = batch[position.get(row.rowid)!]!.score;
    return rows;
  }

  /** Counts the read (see AccessCounts), and returns the memories as the reader now sees them. */
  #touch(rows: MemoryRow[]): Array<Memory & { score?: number }> {
    return this.#parts.accesses.read(rows, this.#parts.now()).map((row) => {
      const memory: Memory & { score?: number } = toMemory(row);
      if (row.score !== undefined) memory.score = row.score;
      return memory;
    });
  }

  #params(scope: Scope): Record<string, unknown> {
    return { namespace: scope.namespace, agentId: scope.agentId, admin: scope.admin ? 1 : 0, now: this.#parts.now() };
  }

  #sql(sql: string) {
    return this.#parts.statements.get(sql);
  }
}
