import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/index.js';
import { toUnitLength } from '../../src/embeddings/unit-length.js';
import { stem, words } from '../../src/text.js';

/** hashing-v1 as first written: every feature built as a string, then hashed with FNV-1a. */
function referenceV1(text: string, dimensions = 256): Float32Array {
  const fnv1a = (feature: string) => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < feature.length; i++) hash = Math.imul(hash ^ feature.charCodeAt(i), 0x01000193);
    return hash >>> 0;
  };
  const vector = new Float32Array(dimensions);
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    vector[hash % dimensions]! += hash & 0x80000000 ? -weight : weight;
  };
  const tokens = words(text).map(stem);
  tokens.forEach((word, i) => {
    add(`w:${word}`, 1);
    if (i + 1 < tokens.length) add(`b:${word} ${tokens[i + 1]}`, 0.5);
    const padded = `^${word}$`;
    for (let j = 0; j < padded.length - 2; j++) add(`t:${padded.slice(j, j + 3)}`, 0.6 / (padded.length - 2));
  });
  return toUnitLength(vector);
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder();

  it('produces unit vectors of the configured size, deterministically', async () => {
    const [a, b] = await embedder.embedBatch(['connection pooling', 'connection pooling']);
    expect(a).toHaveLength(256);
    expect(cosine(a!, a!)).toBeCloseTo(1, 5);
    expect(a).toEqual(b);
    expect(embedder.id).toBe('hashing-v1-256');
  });

  it('scores shared vocabulary and word forms above unrelated text', () => {
    const query = embedder.embedSync('caching sessions');
    const related = embedder.embedSync('we cache the session tokens');
    const unrelated = embedder.embedSync('rotate api keys quarterly');
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.2);
  });

  it('cannot see synonyms: it measures words, not meaning', () => {
    const similarity = cosine(embedder.embedSync('car'), embedder.embedSync('automobile'));
    expect(Math.abs(similarity)).toBeLessThan(0.3);
  });

  it('computes the vectors hashing-v1 always did: databases keep them under that id', () => {
    const texts = ['connection pooling with PgBouncer', 'Zürich café naïve résumé', 'a', 'rotate keys; rotate keys!'];
    for (const text of texts) {
      expect(embedder.embedSync(text)).toEqual(referenceV1(text));
      expect(new HashingEmbedder({ dimensions: 64 }).embedSync(text)).toEqual(referenceV1(text, 64));
    }
  });

  it('maps empty text to the zero vector', () => {
    expect(embedder.embedSync('  ').every((v) => v === 0)).toBe(true);
  });

  it('refuses impossible sizes', () => {
    expect(() => new HashingEmbedder({ dimensions: 3 })).toThrow(/dimensions/);
  });
});
