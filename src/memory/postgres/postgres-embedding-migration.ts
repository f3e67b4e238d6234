import type { EmbedderIdentity } from '../../embeddings/embedder.js';
import { ValidationError } from '../../errors.js';
import type { EmbeddingInput, EmbeddingMigration, PendingEmbedding } from '../store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { decodeEmbeddingSql, encodeEmbedding } from './postgres-vectors.js';

/**
 * Re-embedding on PostgreSQL: vectors go to memory_vectors_next batch by batch (durable, so
 * an interrupted run resumes), and finish() replaces the embedding column in one transaction,
 * typed for the new dimension (`vector(n)` with its HNSW index, or float32 bytea).
 */
export class PostgresEmbeddingMigration implements EmbeddingMigration {
  readonly #db: PostgresDatabase;
  #target: EmbedderIdentity | undefined;
  #after = '0';

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async start(target: EmbedderIdentity): Promise<{ total: number; done: number }> {
    const s = this.#db.schema;
    return this.#db.pool.transaction(async (client) => {
      const { rows } = await client.query<{ key: string; value: string }>(
        `SELECT key, value FROM ${s}.store_meta WHERE key IN ('reembed_target_id', 'reembed_target_dimensions') FOR UPDATE`,
      );
      const meta = new Map(rows.map((r) => [r.key, r.value]));
      if (
        meta.get('reembed_target_id') !== target.id ||
        Number(meta.get('reembed_target_dimensions')) !== target.dimensions
      ) {
        await client.query(`TRUNCATE ${s}.memory_vectors_next`);
        await client.query(
          `INSERT INTO ${s}.store_meta (key, value) VALUES ('reembed_target_id', $1), ('reembed_target_dimensions', $2)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [target.id, String(target.dimensions)],
        );
      }
      this.#target = target;
      this.#after = '0';
      const { rows: counts } = await client.query<{ total: string; done: string }>(
        `SELECT (SELECT count(*) FROM ${s}.memories) AS total, (SELECT count(*) FROM ${s}.memory_vectors_next) AS done`,
      );
      return { total: Number(counts[0]!.total), done: Number(counts[0]!.done) };
    });
  }

  async next(limit: number): Promise<PendingEmbedding[]> {
    this.#started();
    const s = this.#db.schema;
    const { rows } = await this.#db.pool.query<{ seq: string; id: string; content: string }>(
      `SELECT m.seq, m.id::text AS id, m.content FROM ${s}.memories m
       WHERE m.seq > $1 AND NOT EXISTS (SELECT 1 FROM ${s}.memory_vectors_next n WHERE n.seq = m.seq)
       ORDER BY m.seq LIMIT $2`,
      [this.#after, limit],
    );
    this.#after = rows.at(-1)?.seq ?? this.#after;
    return rows.map(({ id, content }) => ({ id, content }));
  }

  async write(items: readonly EmbeddingInput[]): Promise<void> {
    const target = this.#started();
    for (const { embedding } of items) {
      if (embedding.length !== target.dimensions) {
        throw new ValidationError(
          `reembed: '${target.id}' gave ${embedding.length} dimensions, not ${target.dimensions}`,
        );
      }
    }
    // Encoded for the column as it will be after the switch (the vector layout does not change).
    await this.#db.pool.query(
      `INSERT INTO ${this.#db.schema}.memory_vectors_next (seq, embedding)
       SELECT m.seq, r.embedding FROM unnest($1::uuid[], $2::text[]) AS r(id, embedding)
       JOIN ${this.#db.schema}.memories m ON m.id = r.id
       ON CONFLICT (seq) DO UPDATE SET embedding = excluded.embedding`,
      [items.map((i) => i.id), items.map((i) => encodeEmbedding(this.#db, i.embedding))],
    );
  }

  async finish(): Promise<boolean> {
    const target = this.#started();
    const s = this.#db.schema;
    const db = this.#db;
    return db.pool.transaction(async (client) => {
      // Writers wait for the switch; readers keep reading the old column until it commits.
      await client.query(`LOCK TABLE ${s}.memories IN SHARE ROW EXCLUSIVE MODE`);
      const { rows } = await client.query<{ missing: string }>(
        `SELECT count(*) AS missing FROM ${s}.memories m
         WHERE NOT EXISTS (SELECT 1 FROM ${s}.memory_vectors_next n WHERE n.seq = m.seq)`,
      );
      if (Number(rows[0]!.missing) > 0) {
        this.#after = '0';
        return false;
      }
      const column = db.vectors === 'pgvector' ? `${db.vectorSchema}.vector(${target.dimensions})` : 'bytea';
      await client.query(`ALTER TABLE ${s}.memories DROP COLUMN embedding`);
      await client.query(`ALTER TABLE ${s}.memories ADD COLUMN embedding ${column}`);
      await client.query(
        `UPDATE ${s}.memories m SET embedding = ${decodeEmbeddingSql(db, 'n.embedding')}
         FROM ${s}.memory_vectors_next n WHERE n.seq = m.seq`,
      );
      if (db.vectors === 'pgvector') {
        await client.query(
          `CREATE INDEX memories_embedding ON ${s}.memories USING hnsw (embedding ${db.vectorSchema}.vector_cosine_ops)`,
        );
      }
      await client.query(`CREATE INDEX memories_unembedded ON ${s}.memories (namespace, seq) WHERE embedding IS NULL`);
      await client.query(`TRUNCATE ${s}.memory_vectors_next`);
      await client.query(
        `UPDATE ${s}.store_meta SET value = CASE key WHEN 'embedder_id' THEN $1 ELSE $2 END
         WHERE key IN ('embedder_id', 'embedder_dimensions')`,
        [target.id, String(target.dimensions)],
      );
      await client.query(`DELETE FROM ${s}.store_meta WHERE key IN ('reembed_target_id', 'reembed_target_dimensions')`);
      return true;
    });
  }

  #started(): EmbedderIdentity {
    if (!this.#target) throw new ValidationError('reembed: call start() first');
    return this.#target;
  }
}
