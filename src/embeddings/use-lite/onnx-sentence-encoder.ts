import { MessageChannel } from 'node:worker_threads';
import { encodeOnnxModel } from './onnx-model-proto.js';
import { embedInBatches, sparseTokens, vectorsByList, type SentenceEncoder } from './sentence-encoder.js';
import { convertTfGraphToOnnx } from './tf-graph-to-onnx.js';
import { readTfjsModel } from './tfjs-model-files.js';
import { UseLiteTokenizer } from './use-lite-tokenizer.js';

type OnnxRuntime = typeof import('onnxruntime-node');

/**
 * Texts per run. Measured on 1,024 notes, interleaved: 8 a run embedded as fast as 16 or 32
 * (faster, on this machine), and the thread stayed ~90 MiB smaller: a run's activations grow
 * with its texts × their length², and freed memory is kept for the next run.
 */
export const ONNX_RUN_BATCH = 8;

/**
 * The same graph on ONNX Runtime's native CPU kernels: converted at load from the shipped TF.js
 * topology and weights (~0.2 s, nothing written to disk), then one session with one intra-op
 * thread, since LocalEmbedder already runs one model thread per core it may use. No memory
 * arena: with runs of 8 texts it saved little time and held their largest activations for good.
 */
export async function createOnnxSentenceEncoder(ort: OnnxRuntime): Promise<SentenceEncoder> {
  const [tokenizer, model] = await Promise.all([UseLiteTokenizer.load(), readTfjsModel()]);
  const bytes = encodeOnnxModel(convertTfGraphToOnnx(model, 'universal-sentence-encoder-lite'), 'tmws-patterns');
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: false,
  });
  // The session holds its own copy: the shipped weights and the encoded model are done with.
  freeNow([...(model.buffers ?? []), bytes.buffer as ArrayBuffer]);
  const output = session.outputNames[0]!;
  return {
    runtime: 'onnxruntime',
    tokenize: (text) => tokenizer.encode(text),
    embed: (tokens) => embedInBatches(tokens, ONNX_RUN_BATCH, run),
  };

  async function run(tokens: Int32Array[]): Promise<Float32Array[]> {
    const input = sparseTokens(tokens);
    if (input.rows === 0) return vectorsByList(tokens, new Float32Array(0));
    const int64 = (values: Int32Array) => BigInt64Array.from(values, (v) => BigInt(v));
    const result = await session.run({
      indices: new ort.Tensor('int64', int64(input.indices), [input.count, 2]),
      values: new ort.Tensor('int64', int64(input.values), [input.count]),
    });
    return vectorsByList(tokens, result[output]!.data as Float32Array);
  }
}

/**
 * Frees `buffers` now rather than at V8's next full collection, which a model thread's small
 * heap may not need for hours (measured: the ~56 MiB the conversion leaves stayed resident over
 * 6,000 embeddings). A message sent to a closed port is dropped with the buffers it transferred.
 */
function freeNow(buffers: ArrayBuffer[]): void {
  const { port1, port2 } = new MessageChannel();
  port2.close();
  try {
    port1.postMessage(null, buffers);
  } catch {
    // A buffer that cannot be transferred (from a pool) is left to the collector.
  } finally {
    port1.close();
  }
}
