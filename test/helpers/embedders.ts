import type { Embedder } from '../../src/embeddings/embedder.js';
import { HashingEmbedder } from '../../src/embeddings/hashing-embedder.js';

/**
 * The hashing embedder declared slow, so the engine takes the deferred path a model or a
 * remote API takes (vectors computed behind the write, settled before a vector search),
 * at hashing's cost. The sentence encoder itself runs in test/embeddings/local-embedder.test.ts.
 */
export function deferredHashing(): Embedder {
  const inner = new HashingEmbedder();
  return {
    id: inner.id,
    dimensions: inner.dimensions,
    deferred: true,
    embed: (text) => new Promise((resolve) => setTimeout(() => resolve(inner.embedSync(text)), 1)),
    embedBatch: (texts) => new Promise((resolve) => setTimeout(() => resolve(texts.map((t) => inner.embedSync(t))), 1)),
  };
}

/** Engine suites that must hold with every way vectors reach the store run once per entry. */
export const TEST_EMBEDDERS: ReadonlyArray<[string, () => 'hashing' | Embedder]> = [
  ['hashing (inline vectors)', () => 'hashing'],
  ['deferred (background vectors)', deferredHashing],
];
