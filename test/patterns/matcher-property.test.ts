import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { PatternRegistry } from '../../src/index.js';
import { analyzeTrigger, foldQuery } from '../../src/patterns/trigger-analysis.js';
import { generatedPattern, query, referenceMatch, toDefinitions, triggerSource } from './pattern-arbitraries.js';

const summary = (m: ReturnType<typeof referenceMatch>) =>
  m && { name: m.pattern.name, text: m.matchedText, index: m.index, params: m.params };

describe('indexed matcher', () => {
  it('finds exactly what a plain priority-ordered scan finds', () => {
    fc.assert(
      fc.property(
        fc.array(generatedPattern, { minLength: 1, maxLength: 40 }),
        fc.array(query, { minLength: 1, maxLength: 15 }),
        (generated, queries) => {
          const registry = new PatternRegistry(toDefinitions(generated), { matchCacheSize: 0 });
          for (const text of queries) {
            const expected = summary(referenceMatch(registry, text));
            expect(summary(registry.match(text))).toEqual(expected);
            expect(summary(registry.explain(text).match)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never drops a trigger from the candidates of a query it matches (literal extraction is sound)', () => {
    fc.assert(
      fc.property(triggerSource, fc.array(query, { minLength: 1, maxLength: 20 }), (source, queries) => {
        const regex = new RE2(source, 'i');
        const { requirement } = analyzeTrigger(source);
        for (const text of queries) {
          if (!regex.test(text)) continue;
          const folded = foldQuery(text);
          for (const clause of requirement) expect(clause.some((literal) => folded.includes(literal))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('folds queries the way RE2 folds case: every character RE2 matches to ASCII lowercases to it', () => {
    const anyAscii = new RE2('[\\x00-\\x7f]', 'i');
    const mismatches: string[] = [];
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (!anyAscii.test(ch)) continue;
      for (let ascii = 0; ascii < 0x80; ascii++) {
        const literal = String.fromCharCode(ascii);
        const escaped = literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        if (new RE2(escaped, 'i').test(ch) && !foldQuery(ch).includes(literal.toLowerCase())) {
          mismatches.push(`U+${cp.toString(16)} ~ ${literal}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
