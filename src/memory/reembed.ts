import { checkedBatchSize, preferredBatchSize, type Embedder } from '../embeddings/embedder.js';
import type { MemoryStore } from './store.js';

export interface ReembedOptions {
  /**
   * Memories per batch; each batch is committed, so an interruption loses at most one.
   * @default 64, or the embedder's own batchSize when larger
   */
  batchSize?: number;
  /** Hears the total once, then how many are done after each batch (resumed runs start above 0). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between batches; a later run with the same target resumes. */
  signal?: AbortSignal;
  /** The text the embedder is shown for a memory (the engine passes its lexicon's). @default as is */
  prepare?: (text: string) => string;
}

/**
 * Re-computes every memory's vector with `target` beside the current vectors (which keep
 * serving searches), then switches over in one transaction. Resumable: progress is durable.
 */
export async function reembed(
  store: MemoryStore,
  target: Embedder,
  options: ReembedOptions = {},
): Promise<{ total: number; embedded: number; resumedFrom: number }> {
  // A batch size of 0 would take nothing and never finish: refused before anything starts.
  const batchSize = checkedBatchSize('batchSize', options.batchSize) ?? preferredBatchSize(target, 64);
  const migration = store.embeddingMigration();
  const { total, done: resumedFrom } = await migration.start({ id: target.id, dimensions: target.dimensions });
  let done = resumedFrom;
  let embedded = 0;
  options.onProgress?.(done, total);
  for (;;) {
    for (;;) {
      options.signal?.throwIfAborted();
      const batch = await migration.next(batchSize);
      if (batch.length === 0) break;
      const prepare = options.prepare ?? ((text: string) => text);
      const vectors = await target.embedBatch(batch.map((m) => prepare(m.content)));
      await migration.write(batch.map((m, i) => ({ id: m.id, embedding: vectors[i]! })));
      done += batch.length;
      embedded += batch.length;
      options.onProgress?.(Math.min(done, total), total);
    }
    // Memories written meanwhile make finish() refuse; embed them too and try again.
    if (await migration.finish()) return { total, embedded, resumedFrom };
  }
}
