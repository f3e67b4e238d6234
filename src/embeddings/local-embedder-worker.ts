// The sentence encoder's own thread: inference costs 10–700 ms of CPU per batch, which on the
// host's main thread would stall every request it serves meanwhile.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { blockNetwork } from './block-network.js';
import {
  WORKER_ROLE,
  type ModelThreadData,
  type ModelThreadMessage,
  type ModelThreadRequest,
} from './local-embedder-protocol.js';
import type { SentenceEncoder } from './use-lite/sentence-encoder.js';
import { loadSentenceEncoder } from './use-lite/load-sentence-encoder.js';

function serve(port: MessagePort, { runtime }: ModelThreadData): void {
  const send = (message: ModelThreadMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  blockNetwork((what) => send({ type: 'network', what }));
  const encoder = (async (): Promise<SentenceEncoder> => {
    const started = performance.now();
    const { encoder: loaded, nativeError } = await loadSentenceEncoder(runtime);
    send({ type: 'loaded', ms: performance.now() - started, runtime: loaded.runtime, nativeError });
    return loaded;
  })();
  // One request at a time, in order: inference is single-threaded anyway.
  let queue = Promise.resolve();
  port.on('message', (request: ModelThreadRequest) => {
    queue = queue.then(async () => {
      try {
        const model = await encoder;
        if (request.type === 'tokenize') {
          const tokens = request.texts.map((text) => model.tokenize(text));
          send({ type: 'tokens', id: request.id, tokens }, buffersOf(tokens));
          return;
        }
        const tokens = 'tokens' in request ? request.tokens : request.texts.map((text) => model.tokenize(text));
        const { vectors, positions } = await model.embed(tokens);
        send({ type: 'vectors', id: request.id, vectors, ...positions }, buffersOf(vectors));
      } catch (error) {
        send({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}

const buffersOf = (arrays: Array<Int32Array | Float32Array>): ArrayBuffer[] =>
  arrays.map((array) => array.buffer as ArrayBuffer);

const data = workerData as ModelThreadData | undefined;
if (parentPort && data?.role === WORKER_ROLE) serve(parentPort, data);
