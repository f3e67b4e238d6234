/** What the host and a model thread (local-embedder-worker.ts) say to each other. */
import type { SentenceEncoderChoice } from './use-lite/load-sentence-encoder.js';
import type { SentenceEncoderRuntime } from './use-lite/sentence-encoder.js';

/** The role a worker must be started with (workerData.role) to serve embeddings. */
export const WORKER_ROLE = 'tmws-local-embedder';

export interface ModelThreadData {
  role: typeof WORKER_ROLE;
  runtime: SentenceEncoderChoice;
}

/** Requests are answered one at a time, in order. `embed` takes texts, or token ids from `tokenize`. */
export type ModelThreadRequest =
  | { type: 'tokenize'; id: number; texts: string[] }
  | { type: 'embed'; id: number; texts: string[] }
  | { type: 'embed'; id: number; tokens: Int32Array[] };

export type ModelThreadMessage =
  | { type: 'tokens'; id: number; tokens: Int32Array[] }
  | { type: 'vectors'; id: number; vectors: Float32Array[]; tokens: number; padding: number }
  | { type: 'error'; id: number; message: string }
  | { type: 'loaded'; ms: number; runtime: SentenceEncoderRuntime; nativeError?: string }
  | { type: 'network'; what: string };
