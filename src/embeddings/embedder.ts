/**
 * Turns text into a fixed-length vector whose cosine similarity tracks relatedness.
 * One implementation per provider; the store only sees `dimensions` and the vectors.
 */
export interface Embedder {
  /** Identifies the model and its settings; a store refuses vectors from a different id. */
  readonly id: string;
  readonly dimensions: number;
  embed(text: string): Promise<Float32Array>;
  embedBatch(texts: readonly string[]): Promise<Float32Array[]>;
}
