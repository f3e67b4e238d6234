import { wholeNumberIn } from '../validation.js';

/** The most texts any batch may hold (the CLI's --batch-size cap too). */
export const MAX_BATCH_SIZE = 4096;

/**
 * Turns text into a fixed-length vector whose cosine similarity tracks relatedness.
 * One implementation per provider; the store only sees `dimensions` and the vectors.
 */
export interface Embedder {
  /** Identifies the model and its settings; a store refuses vectors from a different id. */
  readonly id: string;
  readonly dimensions: number;
  /**
   * True when embedding is slow (a model, a remote API): writes are then acknowledged first
   * and their vectors computed in batches behind them (see memory/embedding-backlog.ts).
   * @default false
   */
  readonly deferred?: boolean;
  /**
   * Cosine similarity below which a neighbour counts as unrelated ("semantic" results keep
   * out what is under it). Depends on the model's scale. @default 0.15
   */
  readonly similarityFloor?: number;
  /**
   * False when similarity only reflects shared vocabulary (the hashing embedder): a recall
   * whose words full text cannot find then gains nothing from vectors. @default true
   */
  readonly semantic?: boolean;
  /**
   * Texts per embedBatch call that keep the embedder fully busy (the local model: one batch
   * per thread; an OpenAI-compatible one: a full request). Backlogs hand it this many at a
   * time. @default 32
   */
  readonly batchSize?: number;
  embed(text: string): Promise<Float32Array>;
  embedBatch(texts: readonly string[]): Promise<Float32Array[]>;
  /** Releases what the embedder holds (the local model's thread). Called by the engine for embedders it created. */
  close?(): Promise<void>;
}

/** What a store records of the embedder its vectors came from. */
export interface EmbedderIdentity {
  readonly id: string;
  readonly dimensions: number;
}

/** What the edges may know of an engine's embedder (not the embedder itself). */
export interface EmbedderInfo extends EmbedderIdentity {
  readonly deferred: boolean;
  readonly batchSize: number | undefined;
}

/** The embedder's description, for engine.embedderInfo(). */
export function describeEmbedder(embedder: Embedder): EmbedderInfo {
  const { id, dimensions, deferred = false, batchSize } = embedder;
  return { id, dimensions, deferred, batchSize };
}

/** An embedder, or a choice made from what the store records (undefined for a new store). */
export type EmbedderChoice<E extends EmbedderIdentity = Embedder> = E | ((recorded: EmbedderIdentity | undefined) => E);

/**
 * Texts per batch a backlog or a re-embedding hands `embedder`: `atLeast`, or more if it asks
 * (Embedder.batchSize). A size that is not a whole number from 1 to MAX_BATCH_SIZE is refused.
 */
export function preferredBatchSize(embedder: Embedder, atLeast: number): number {
  return Math.max(atLeast, checkedBatchSize('embedder.batchSize', embedder.batchSize) ?? 0);
}

/** `size` if undefined or a whole number from 1 to MAX_BATCH_SIZE; otherwise a ValidationError naming `what`. */
export function checkedBatchSize(what: string, size: number | undefined): number | undefined {
  return size === undefined ? undefined : wholeNumberIn(what, size, 1, MAX_BATCH_SIZE);
}
