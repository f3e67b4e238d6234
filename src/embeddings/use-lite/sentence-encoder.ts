/** Which engine runs the model: ONNX Runtime's native code, or TF.js on WebAssembly. */
export type SentenceEncoderRuntime = 'onnxruntime' | 'tfjs';

/** The sentence encoder inside a model thread: the model's own tokenizer, then the graph. */
export interface SentenceEncoder {
  readonly runtime: SentenceEncoderRuntime;
  /** The model's token ids for `text` (SentencePiece pieces of its vocabulary). */
  tokenize(text: string): Int32Array;
  /**
   * One 512-d vector per token list, in order; an empty list (an empty text) gets a zero vector.
   * `positions` counts the token positions the graph computed, and how many were padding.
   */
  embed(tokens: readonly Int32Array[]): Promise<{ vectors: Float32Array[]; positions: Positions }>;
}

export interface Positions {
  tokens: number;
  padding: number;
}

/**
 * Runs the graph on `tokens` in batches of at most `size` lists, shortest first (each batch is
 * padded to its longest), and returns the vectors in the given order.
 */
export async function embedInBatches(
  tokens: readonly Int32Array[],
  size: number,
  run: (batch: Int32Array[]) => Promise<Float32Array[]>,
): Promise<{ vectors: Float32Array[]; positions: Positions }> {
  const order = tokens.map((_, i) => i).sort((a, b) => tokens[a]!.length - tokens[b]!.length);
  const vectors = new Array<Float32Array>(tokens.length);
  const positions = { tokens: 0, padding: 0 };
  for (let start = 0; start < order.length; start += size) {
    const indexes = order.slice(start, start + size);
    const batch = indexes.map((i) => tokens[i]!);
    const counted = batchPositions(batch);
    positions.tokens += counted.tokens;
    positions.padding += counted.padding;
    const values = await run(batch);
    indexes.forEach((i, k) => (vectors[i] = values[k]!));
  }
  return { vectors, positions };
}

/** Tokens the graph keeps of a text (its ClipToMaxLength): a batch is padded to at most this. */
export const MAX_TOKENS = 128;

/** Token positions a batch computes: its texts' tokens, and the padding up to its longest. */
export function batchPositions(tokens: readonly Int32Array[]): { tokens: number; padding: number } {
  const lengths = tokens.filter((ids) => ids.length > 0).map((ids) => Math.min(ids.length, MAX_TOKENS));
  const total = lengths.reduce((sum, length) => sum + length, 0);
  return { tokens: total, padding: lengths.length * Math.max(0, ...lengths) - total };
}

/** The sparse input both runtimes feed the graph: [row, position] of every token, and its id. */
export interface SparseTokens {
  rows: number;
  count: number;
  indices: Int32Array;
  values: Int32Array;
}

/**
 * Packs token lists as the graph reads them. Lists with no token are left out: the graph sizes
 * its batch from the largest row index, so an empty last text would lose its row.
 */
export function sparseTokens(tokens: readonly Int32Array[]): SparseTokens {
  const count = tokens.reduce((sum, ids) => sum + ids.length, 0);
  const indices = new Int32Array(count * 2);
  const values = new Int32Array(count);
  let rows = 0;
  let k = 0;
  for (const ids of tokens) {
    if (ids.length === 0) continue;
    for (let position = 0; position < ids.length; position++, k++) {
      indices[2 * k] = rows;
      indices[2 * k + 1] = position;
      values[k] = ids[position]!;
    }
    rows++;
  }
  return { rows, count, indices, values };
}

/** Spreads the graph's [rows × 512] output back over the token lists, zero vectors for empty ones. */
export function vectorsByList(tokens: readonly Int32Array[], output: Float32Array, dimensions = 512): Float32Array[] {
  let row = 0;
  return tokens.map((ids) =>
    ids.length === 0 ? new Float32Array(dimensions) : output.slice(row * dimensions, ++row * dimensions),
  );
}
