import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { describe, expect, it } from 'vitest';
import { shippedModelDirectory } from '../../src/embeddings/use-lite/tfjs-model-files.js';
import { UseLiteTokenizer } from '../../src/embeddings/use-lite/use-lite-tokenizer.js';

/** Notes of made-up words (as the benchmarks' corpus): pieces the vocabulary splits many ways. */
function syllableNotes(count: number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ren', 'tus', 'bar', 'qen', 'dor', 'vil', 'sa', 'tor', 'pen', 'lux', 'mar'];
  let seed = 42;
  const pick = () => syllables[(seed = (seed * 1664525 + 1013904223) >>> 0) % syllables.length]!;
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: 8 + (i % 12) }, () => pick() + pick() + pick()).join(i % 5 === 0 ? ', ' : ' '),
  );
}

describe('UseLiteTokenizer', () => {
  it("gives the ids of the library's tokenizer (what TF.js feeds the model) on every kind of text", () => {
    const vocabulary = JSON.parse(readFileSync(join(shippedModelDirectory(), 'vocab.json'), 'utf8')) as Array<
      [string, number]
    >;
    const library = new EmbeddingsModel({ vocabulary, model: undefined as never }).tokenizer;
    const ours = new UseLiteTokenizer(vocabulary);
    const read = (file: string) => JSON.parse(readFileSync(new URL(`../../eval/${file}`, import.meta.url), 'utf8'));
    const texts = [
      ...(read('memories.json') as Array<{ content: string }>).map((m) => m.content),
      ...(read('queries.json') as Array<{ question: string }>).map((q) => q.question),
      ...syllableNotes(1000),
      '',
      ' ',
      '  two  spaces  ',
      'ﬁ ligature, full-width ＡＢＣ (NFKC)',
      '数据库连接池 and 😀🚀 unknown runs ⸘⸘',
      'x'.repeat(300),
      'Über-naïve façade — “quoted” 10×faster',
    ];
    for (const text of texts) expect([...ours.encode(text)], text).toEqual(library.encode(text));
  });
});
