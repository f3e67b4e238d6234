import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../src/index.js';

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

  it('maps empty text to the zero vector', () => {
    expect(embedder.embedSync('  ').every((v) => v === 0)).toBe(true);
  });

  it('refuses impossible sizes', () => {
    expect(() => new HashingEmbedder({ dimensions: 3 })).toThrow(/dimensions/);
  });
});
