import { createOnnxSentenceEncoder } from './onnx-sentence-encoder.js';
import type { SentenceEncoder } from './sentence-encoder.js';
import { createTfjsSentenceEncoder } from './tfjs-sentence-encoder.js';

/** `auto`: ONNX Runtime where its native binary loads, else TF.js; `tfjs`: TF.js only. */
export type SentenceEncoderChoice = 'auto' | 'tfjs';

export interface LoadedSentenceEncoder {
  encoder: SentenceEncoder;
  /** Why ONNX Runtime could not be used, when `auto` fell back to TF.js. */
  nativeError?: string;
}

/**
 * Loads the sentence encoder on the runtime chosen. `onnxruntime-node` is an optional
 * dependency whose native binary may be missing (an install that skipped it) or fail to load
 * (another libc or CPU): then TF.js on WebAssembly serves, with the same vectors, slower.
 * Only loading the binary falls back; a failure after it (the conversion, the session) is an
 * error, so a broken native path is never hidden.
 */
export async function loadSentenceEncoder(
  choice: SentenceEncoderChoice,
  importOnnxRuntime: () => Promise<typeof import('onnxruntime-node')> = () => import('onnxruntime-node'),
): Promise<LoadedSentenceEncoder> {
  if (choice === 'tfjs') return { encoder: await createTfjsSentenceEncoder() };
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await importOnnxRuntime();
  } catch (error) {
    const nativeError = error instanceof Error ? error.message : String(error);
    return { encoder: await createTfjsSentenceEncoder(), nativeError };
  }
  return { encoder: await createOnnxSentenceEncoder(ort) };
}
