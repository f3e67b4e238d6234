import type { EmbeddingInput, NearestQuery, PendingEmbedding, Scope } from '../store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { SqlParams, visibleTo } from './memory-rows.js';

/** How an embedding travels as text: a pgvector literal, or the hex of its float32 little-endian bytes. */
export function encodeEmbedding(db: PostgresDatabase, embedding: Float32Array): string;
export function encodeEmbedding(db: PostgresDatabase, embedding: Float32Array | null): string | null;
export function encodeEmbedding(db: PostgresDatabase, embedding: Float32Array | null): string | null {
  if (embedding === null) return null;
  if (db.vectors === 'pgvector') return `[${Array.from(embedding).join(',')}]`;
  return Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength).toString('hex');
}

/** SQL turning an encoded embedding (a text expression) into the column's type. */
export function decodeEmbeddingSql(db: PostgresDatabase, text: string): string {
  return db.vectors === 'pgvector' ? `${text}::${db.vectorSchema}.vector` : `decode(${text}, 'hex')`;
}

/** A statement selecting `(seq, score)` of the nearest visible memories, best first. */
export type HitsQuery = { sql: string; params: SqlParams };

/**
 * With pgvector the database ranks by cosine distance through the HNSW index. Without it,
 * candidates' vectors are fetched and ranked here; the result is the same statement shape
 * so the caller can record the reads in one round trip.
 */
export async function nearestHits(
  db: PostgresDatabase,
  scope: Scope,
  query: NearestQuery,
  now: number,
): Promise<HitsQuery> {
  const p = new SqlParams();
  // A memory whose vector is still being computed (NULL) is found by full text only, meanwhile.
  const importance = [
    'AND m.embedding IS NOT NULL',
    query.minImportance === undefined ? '' : `AND m.importance >= ${p.add(query.minImportance)}`,
    query.createdAfter === undefined ? '' : `AND m.created_at >= ${p.add(query.createdAfter)}`,
    query.createdBefore === undefined ? '' : `AND m.created_at < ${p.add(query.createdBefore)}`,
  ].join(' ');
  if (db.vectors === 'pgvector') {
    const distance = `m.embedding OPERATOR(${db.vectorSchema}.<=>) ${decodeEmbeddingSql(db, `${p.add(encodeEmbedding(db, query.embedding))}::text`)}`;
    const visible = visibleTo(scope, now, p);
    return {
      sql: `SELECT m.seq, 1 - (${distance}) AS score FROM ${db.schema}.memories m
            WHERE ${visible} ${importance} ORDER BY ${distance} LIMIT ${p.add(query.limit)}`,
      params: p,
    };
  }
  const visible = visibleTo(scope, now, p);
  // Row by row, as bytea: measured faster end to end than base64 or one aggregated row,
  // because pg decodes bytea's hex natively and large single fields parse slowly.
  const { rows } = await db.pool.query<{ seq: string; embedding: Buffer }>(
    `SELECT m.seq, m.embedding FROM ${db.schema}.memories m
     WHERE ${visible} ${importance} ORDER BY m.created_at DESC LIMIT ${p.add(db.vectorScanLimit)}`,
    p.values,
  );
  const ranked = topByCosine(query.embedding, rows, query.limit);
  const hits = new SqlParams();
  return {
    sql: `SELECT h.seq, h.score FROM unnest(${hits.add(ranked.map((r) => r.seq))}::bigint[],
            ${hits.add(ranked.map((r) => r.score))}::float8[]) AS h(seq, score)`,
    params: hits,
  };
}

/** Exact cosine similarity of the query with each candidate's float32 vector; the best `limit`. */
function topByCosine(
  query: Float32Array,
  rows: ReadonlyArray<{ seq: string; embedding: Buffer }>,
  limit: number,
): Array<{ seq: string; score: number }> {
  const queryNorm = Math.sqrt(dot(query, query));
  const scored = rows.map(({ seq, embedding }) => {
    // Copied when the bytes do not start on a 4-byte boundary (small buffers share a pool).
    const bytes = embedding.byteOffset % 4 === 0 ? embedding : Buffer.from(embedding);
    const vector = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const norms = queryNorm * Math.sqrt(dot(vector, vector));
    return { seq, score: norms === 0 ? 0 : dot(query, vector) / norms };
  });
  return scored.sort((a, b) => b.score - a.score).slice(0, limit);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Memories whose vector is still to be computed, oldest first. */
export async function pendingEmbeddings(
  db: PostgresDatabase,
  namespace: string | undefined,
  limit: number,
): Promise<PendingEmbedding[]> {
  const { rows } = await db.pool.query<{ id: string; content: string }>(
    `SELECT id::text AS id, content FROM ${db.schema}.memories
     WHERE embedding IS NULL ${namespace === undefined ? '' : 'AND namespace = $2'} ORDER BY seq LIMIT $1`,
    namespace === undefined ? [limit] : [limit, namespace],
  );
  return rows;
}

/** Sets the vectors of memories still pending; returns how many were. */
export async function setEmbeddings(db: PostgresDatabase, items: readonly EmbeddingInput[]): Promise<number> {
  if (items.length === 0) return 0;
  const { rowCount } = await db.pool.query(
    `UPDATE ${db.schema}.memories m SET embedding = ${decodeEmbeddingSql(db, 'r.embedding')}
     FROM unnest($1::uuid[], $2::text[]) AS r(id, embedding) WHERE m.id = r.id AND m.embedding IS NULL`,
    [items.map((i) => i.id), items.map((i) => encodeEmbedding(db, i.embedding))],
  );
  return rowCount ?? 0;
}
