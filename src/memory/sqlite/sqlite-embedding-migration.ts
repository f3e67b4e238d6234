import { ValidationError } from '../../errors.js';
import type { EmbedderIdentity } from '../../embeddings/embedder.js';
import type { EmbeddingInput, EmbeddingMigration, PendingEmbedding } from '../store.js';
import { quantize } from '../vector-index.js';
import type { SqliteDatabase } from './database.js';

/**
 * Re-embedding on SQLite: new vectors go to memory_vectors_next (committed batch by batch,
 * so an interruption loses at most one batch), the target is recorded in store_meta, and
 * finish() swaps the tables' contents and the recorded embedder in one transaction.
 */
export class SqliteEmbeddingMigration implements EmbeddingMigration {
  readonly #db: SqliteDatabase;
  readonly #write: <T>(operation: () => T) => T;
  readonly #switched: () => void;
  #target: EmbedderIdentity | undefined;
  #after = 0;

  /** `switched` runs once the new vectors are in, so the store's in-process index reloads them. */
  constructor(db: SqliteDatabase, write: <T>(operation: () => T) => T, switched: () => void) {
    this.#db = db;
    this.#write = write;
    this.#switched = switched;
  }

  async start(target: EmbedderIdentity): Promise<{ total: number; done: number }> {
    return this.#write(() => {
      const meta = this.#db.prepare<[string], string>('SELECT value FROM store_meta WHERE key = ?').pluck();
      const earlier = meta.get('reembed_target_id');
      if (earlier !== target.id || Number(meta.get('reembed_target_dimensions')) !== target.dimensions) {
        this.#db.exec('DELETE FROM memory_vectors_next');
        const set = this.#db.prepare('INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)');
        set.run('reembed_target_id', target.id);
        set.run('reembed_target_dimensions', String(target.dimensions));
      }
      this.#target = target;
      this.#after = 0;
      const count = (sql: string) => this.#db.prepare(sql).pluck().get() as number;
      return {
        total: count('SELECT count(*) FROM memories'),
        done: count('SELECT count(*) FROM memory_vectors_next'),
      };
    });
  }

  async next(limit: number): Promise<PendingEmbedding[]> {
    this.#started();
    const rows = this.#db
      .prepare(
        `SELECT m.rowid, m.id, m.content FROM memories m
         WHERE m.rowid > ? AND NOT EXISTS (SELECT 1 FROM memory_vectors_next n WHERE n.rowid = m.rowid)
         ORDER BY m.rowid LIMIT ?`,
      )
      .all(this.#after, limit) as Array<PendingEmbedding & { rowid: number }>;
    this.#after = rows.at(-1)?.rowid ?? this.#after;
    return rows.map(({ id, content }) => ({ id, content }));
  }

  async write(items: readonly EmbeddingInput[]): Promise<void> {
    const target = this.#started();
    this.#write(() => {
      const find = this.#db.prepare('SELECT rowid, namespace FROM memories WHERE id = ?');
      const insert = this.#db.prepare(
        'INSERT OR REPLACE INTO memory_vectors_next (rowid, namespace, scale, vector) VALUES (?, ?, ?, ?)',
      );
      for (const { id, embedding } of items) {
        if (embedding.length !== target.dimensions) {
          throw new ValidationError(
            `reembed: '${target.id}' gave ${embedding.length} dimensions, not ${target.dimensions}`,
          );
        }
        const row = find.get(id) as { rowid: number; namespace: string } | undefined;
        if (!row) continue;
        const { values, scale } = quantize(embedding);
        insert.run(row.rowid, row.namespace, scale, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
      }
    });
  }

  async finish(): Promise<boolean> {
    const target = this.#started();
    const finished = this.#write(() => {
      const missing = this.#db
        .prepare(
          'SELECT count(*) FROM memories m WHERE NOT EXISTS (SELECT 1 FROM memory_vectors_next n WHERE n.rowid = m.rowid)',
        )
        .pluck()
        .get() as number;
      if (missing > 0) {
        this.#after = 0; // written by others meanwhile: the caller embeds them and calls again
        return false;
      }
      this.#db.exec(`
        DELETE FROM memory_vectors;
        DELETE FROM vector_blocks;
        INSERT INTO memory_vectors (rowid, namespace, seq, scale, vector)
          SELECT n.rowid, n.namespace, coalesce(s.last_seq, 0) + row_number() OVER (PARTITION BY n.namespace ORDER BY n.rowid),
            n.scale, n.vector
          FROM memory_vectors_next n LEFT JOIN vector_sequences s ON s.namespace = n.namespace;
        INSERT OR REPLACE INTO vector_sequences (namespace, last_seq)
          SELECT namespace, max(seq) FROM memory_vectors GROUP BY namespace;
        DELETE FROM memory_vectors_next;
        DELETE FROM pending_embeddings;
        DELETE FROM store_meta WHERE key IN ('reembed_target_id', 'reembed_target_dimensions');`);
      const set = this.#db.prepare('UPDATE store_meta SET value = ? WHERE key = ?');
      set.run(target.id, 'embedder_id');
      set.run(String(target.dimensions), 'embedder_dimensions');
      return true;
    });
    if (finished) this.#switched();
    return finished;
  }

  #started(): EmbedderIdentity {
    if (!this.#target) throw new ValidationError('reembed: call start() first');
    return this.#target;
  }
}
