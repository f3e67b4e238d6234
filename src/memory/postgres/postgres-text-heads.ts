import { DocNumbers } from '../full-text/doc-numbers.js';
import type { PostgresDatabase } from './postgres-database.js';

/**
 * One word's postings in a namespace as read so far, best impact first: memory seqs, their
 * numbers (in the DocNumbers the head was read with) and impacts.
 */
export interface PostingHead {
  seqs: Float64Array;
  docs: Int32Array;
  impacts: Float64Array;
  count: number;
  /** Whether the list was read to its end. */
  ended: boolean;
}

interface Cached {
  epoch: string;
  /** The numbers its memories have: a head is only used with these. */
  docs: DocNumbers;
  head: PostingHead;
}

/** Bytes of a posting kept in a head: its seq and impact as doubles, its number. */
const POSTING_BYTES = 20;
/** Bytes of a posting as read: its seq (int8) and impact (float8). */
const PACKED_BYTES = 16;

/**
 * Reads the heads of posting lists (memory_terms in impact order, migration 6) a batch at a
 * time, and keeps what it read for the rest of the namespace's text epoch (migration 8):
 * within an epoch a memory's postings only change if it is listed in memory_terms_changed,
 * which every search reads and looks up afresh, so a head read once serves every later search
 * of the epoch. Heads are read from the last (impact, seq) on, so writes between two reads
 * shift nothing. Cached heads are dropped, least recently used first, beyond `budgetBytes`.
 * The memories in a namespace's heads are numbered as they are read (DocNumbers, kept with the
 * heads for the epoch), so a search ranks them in arrays without hashing a posting.
 */
export class PostgresTextHeads {
  readonly #db: PostgresDatabase;
  readonly #budget: number;
  readonly #cache = new Map<string, Cached>();
  /** Per namespace: the numbers of the memories in its heads, for the epoch they were read in. */
  readonly #numbers = new Map<string, { epoch: string; docs: DocNumbers }>();
  /** Per namespace: how many heads the cache holds, so an eviction knows at once whether it held the last. */
  readonly #headCounts = new Map<string, number>();
  #bytes = 0;

  constructor(db: PostgresDatabase, budgetBytes: number) {
    this.#db = db;
    this.#budget = budgetBytes;
  }

  /**
   * The numbers the namespace's heads of the epoch are read with: kept with them, or new
   * (and not kept) without an epoch. Every `ensure` of one search takes the same.
   */
  numbers(namespace: string, epoch: string | null): DocNumbers {
    if (epoch === null) return new DocNumbers();
    const kept = this.#numbers.get(namespace);
    if (kept?.epoch === epoch) return kept.docs;
    const docs = new DocNumbers();
    this.#numbers.set(namespace, { epoch, docs });
    return docs;
  }

  /**
   * The heads of `terms` with at least `depths[i]` postings each (or the whole list), their
   * memories numbered in `docs` (from `numbers`). With an epoch they come from the cache where
   * they were read in that epoch, and what is read is kept; without one (too many changes to
   * look up), they are read afresh and not kept.
   */
  async ensure(
    namespace: string,
    epoch: string | null,
    docs: DocNumbers,
    terms: readonly string[],
    depths: readonly number[],
    heads: Array<PostingHead | undefined> = [],
  ): Promise<PostingHead[]> {
    const out = terms.map(
      (term, i) => heads[i] ?? (epoch === null ? undefined : this.#cached(namespace, term, epoch, docs)),
    );
    const wanted = terms.flatMap((_, i) => {
      const head = out[i];
      return head !== undefined && (head.ended || head.count >= depths[i]!) ? [] : [i];
    });
    if (wanted.length > 0) {
      const more = await this.#read(
        namespace,
        docs,
        wanted.map((i) => terms[i]!),
        wanted.map((i) => out[i]),
        // Twice what is wanted: the next, deeper search of these words then needs no statement.
        wanted.map((i) => Math.max(2 * depths[i]! - (out[i]?.count ?? 0), 64)),
      );
      for (const [j, i] of wanted.entries()) {
        out[i] = append(out[i], more.heads[j]!, 2 * depths[i]! - (out[i]?.count ?? 0));
        if (epoch !== null && more.epoch === epoch) this.#keep(namespace, terms[i]!, { epoch, docs, head: out[i]! });
      }
    }
    return out as PostingHead[];
  }

  /** Forgets the namespace's heads (a new epoch began). */
  forget(namespace: string): void {
    if (this.#headCounts.has(namespace)) {
      for (const key of this.#cache.keys()) if (namespaceOf(key) === namespace) this.#drop(key);
    }
    this.#numbers.delete(namespace);
  }

  #cached(namespace: string, term: string, epoch: string, docs: DocNumbers): PostingHead | undefined {
    const key = `${namespace}\u0000${term}`;
    const cached = this.#cache.get(key);
    if (cached === undefined) return undefined;
    if (cached.epoch !== epoch || cached.docs !== docs) {
      this.#drop(key);
      return undefined;
    }
    // Most recently used: last in the map's order.
    this.#cache.delete(key);
    this.#cache.set(key, cached);
    return cached.head;
  }

  #keep(namespace: string, term: string, kept: Cached): void {
    const key = `${namespace}\u0000${term}`;
    this.#drop(key);
    this.#cache.set(key, kept);
    this.#bytes += kept.head.seqs.length * POSTING_BYTES;
    this.#headCounts.set(namespace, (this.#headCounts.get(namespace) ?? 0) + 1);
    for (const oldest of this.#cache.keys()) {
      if (this.#bytes <= this.#budget || oldest === key) break;
      // A namespace with no head kept needs no numbers (they would only grow).
      if (this.#drop(oldest) === 0) this.#numbers.delete(namespaceOf(oldest));
    }
  }

  /** Removes a cached head, if there is one; returns how many heads its namespace still has. */
  #drop(key: string): number {
    const namespace = namespaceOf(key);
    const cached = this.#cache.get(key);
    const left = (this.#headCounts.get(namespace) ?? 0) - (cached ? 1 : 0);
    if (cached === undefined) return left;
    this.#cache.delete(key);
    this.#bytes -= cached.head.seqs.length * POSTING_BYTES;
    if (left === 0) this.#headCounts.delete(namespace);
    else this.#headCounts.set(namespace, left);
    return left;
  }

  /** The next postings of each term after its head (packed: 8-byte seq, 8-byte impact), one statement. */
  async #read(
    namespace: string,
    docs: DocNumbers,
    terms: readonly string[],
    after: ReadonlyArray<PostingHead | undefined>,
    counts: readonly number[],
  ): Promise<{ epoch: string | null; heads: Postings[] }> {
    const s = this.#db.schema;
    const { rows } = await this.#db.pool.prepared<{ i: string; epoch: string | null; postings: Buffer | null }>(
      `SELECT q.i, (SELECT epoch FROM ${s}.memory_term_stats WHERE namespace = $1 AND term = '') AS epoch, h.postings
       FROM unnest($2::text[], $3::float8[], $4::bigint[], $5::int[]) WITH ORDINALITY AS q(term, impact, seq, n, i)
       CROSS JOIN LATERAL (
         SELECT string_agg(int8send(t.seq) || float8send(t.impact), ''::bytea) AS postings FROM (
           SELECT seq, impact FROM ${s}.memory_terms
           WHERE namespace = $1 AND term = q.term AND (impact, seq) < (q.impact, q.seq)
           ORDER BY impact DESC, seq DESC LIMIT q.n) t) h`,
      [
        namespace,
        terms,
        after.map((head) => (head && head.count > 0 ? head.impacts[head.count - 1]! : Infinity)),
        after.map((head) => (head && head.count > 0 ? head.seqs[head.count - 1]! : 0)),
        counts,
      ],
    );
    const heads: Postings[] = terms.map(() => ({
      seqs: new Float64Array(0),
      docs: new Int32Array(0),
      impacts: new Float64Array(0),
    }));
    let epoch: string | null = null;
    for (const row of rows) {
      epoch = row.epoch;
      if (row.postings !== null) {
        const { seqs, impacts } = unpack(row.postings);
        heads[Number(row.i) - 1] = { seqs, docs: Int32Array.from(seqs, (seq) => docs.number(seq)), impacts };
      }
    }
    return { epoch, heads };
  }
}

type Postings = Omit<PostingHead, 'count' | 'ended'>;

function namespaceOf(key: string): string {
  return key.slice(0, key.indexOf('\u0000'));
}

/** Packed postings in impact order (sorted here if the aggregate did not keep the scan's order). */
function unpack(bytes: Buffer): { seqs: Float64Array; impacts: Float64Array } {
  const n = bytes.length / PACKED_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seqs = new Float64Array(n);
  const impacts = new Float64Array(n);
  let ordered = true;
  for (let i = 0; i < n; i++) {
    const at = i * PACKED_BYTES;
    seqs[i] = view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4);
    impacts[i] = view.getFloat64(at + 8);
    if (i > 0 && (impacts[i]! > impacts[i - 1]! || (impacts[i] === impacts[i - 1] && seqs[i]! > seqs[i - 1]!)))
      ordered = false;
  }
  if (ordered) return { seqs, impacts };
  const order = Array.from(seqs.keys()).sort((a, b) => impacts[b]! - impacts[a]! || seqs[b]! - seqs[a]!);
  return { seqs: Float64Array.from(order, (i) => seqs[i]!), impacts: Float64Array.from(order, (i) => impacts[i]!) };
}

/** The head with `more` after it; ended when fewer came than were asked for. */
function append(head: PostingHead | undefined, more: Postings, asked: number): PostingHead {
  const count = (head?.count ?? 0) + more.seqs.length;
  const seqs = new Float64Array(count);
  const docs = new Int32Array(count);
  const impacts = new Float64Array(count);
  if (head) {
    seqs.set(head.seqs.subarray(0, head.count));
    docs.set(head.docs.subarray(0, head.count));
    impacts.set(head.impacts.subarray(0, head.count));
  }
  seqs.set(more.seqs, head?.count ?? 0);
  docs.set(more.docs, head?.count ?? 0);
  impacts.set(more.impacts, head?.count ?? 0);
  return { seqs, docs, impacts, count, ended: more.seqs.length < Math.max(asked, 64) };
}
