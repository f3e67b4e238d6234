import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { PatternDefinition, PatternRegistry } from '../../src/index.js';
import { analyzeTrigger } from '../../src/patterns/trigger-analysis.js';
import { compileTrigger } from '../../src/patterns/trigger.js';
import { FOLDS_INTO_WORDS, WordFinder } from '../../src/patterns/word-finder.js';
import {
  conditionHolds,
  densePattern,
  denseQuery,
  generatedPattern,
  query,
  type GeneratedPattern,
  referenceMatch,
  toDefinitions,
  triggerSource,
} from './pattern-arbitraries.js';

const summary = (m: ReturnType<typeof referenceMatch>) =>
  m && { name: m.pattern.name, text: m.matchedText, index: m.index, params: m.params };

function expectSameAsPlainScan(registry: PatternRegistry, queries: readonly string[]): void {
  for (const text of queries) {
    const expected = summary(referenceMatch(registry, text));
    expect(summary(registry.match(text))).toEqual(expected);
    expect(summary(registry.explain(text).match)).toEqual(expected);
  }
}

/** Registers random pattern sets and checks each query against the plain scan. */
function assertSameAsPlainScan(
  patterns: fc.Arbitrary<GeneratedPattern[]>,
  queries: fc.Arbitrary<string[]>,
  numRuns: number,
): void {
  fc.assert(
    fc.property(patterns, queries, (generated, texts) => {
      expectSameAsPlainScan(new PatternRegistry(toDefinitions(generated), { matchCacheSize: 0 }), texts);
    }),
    { numRuns },
  );
}

describe('indexed matcher', () => {
  it('finds exactly what a plain priority-ordered scan finds', () => {
    assertSameAsPlainScan(
      fc.array(generatedPattern, { minLength: 1, maxLength: 40 }),
      fc.array(query, { minLength: 1, maxLength: 15 }),
      300,
    );
  });

  it('stays exact on dense sets, where most queries share words with many triggers', () => {
    assertSameAsPlainScan(
      fc.array(densePattern, { minLength: 20, maxLength: 150 }),
      fc.array(denseQuery, { minLength: 1, maxLength: 20 }),
      150,
    );
  });

  it('stays exact through single registers, replacements and unregisters', () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('register' as const), pattern: fc.oneof(densePattern, generatedPattern) }),
      fc.record({ op: fc.constant('unregister' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), pattern: densePattern }),
    );
    fc.assert(
      fc.property(
        fc.array(densePattern, { maxLength: 30 }),
        fc.array(operation, { minLength: 1, maxLength: 30 }),
        fc.array(denseQuery, { minLength: 1, maxLength: 6 }),
        (initial, operations, queries) => {
          const registry = new PatternRegistry(toDefinitions(initial), { matchCacheSize: 0 });
          let next = initial.length;
          for (const step of operations) {
            const names = registry.list().map((p) => p.name);
            if (step.op === 'register') {
              registry.register(renamed(toDefinitions([step.pattern])[0]!, `p${next++}`));
            } else if (names.length > 0 && step.op === 'unregister') {
              registry.unregister(names[step.pick % names.length]!);
            } else if (names.length > 0 && step.op === 'replace') {
              registry.register(renamed(toDefinitions([step.pattern])[0]!, names[step.pick % names.length]!), {
                replace: true,
              });
            }
            expectSameAsPlainScan(registry, queries);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never drops a trigger from the candidates of a query it matches (the requirement is sound)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          triggerSource,
          densePattern.map((p) => p.trigger),
        ),
        fc.array(fc.oneof(query, denseQuery), { minLength: 1, maxLength: 20 }),
        (source, queries) => {
          const regex = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
          const { requirement } = analyzeTrigger(source);
          const trigger = compileTrigger(source);
          for (const text of queries) {
            // The trigger reports what re2js's own exec finds, however it gets there.
            const expected = regex.exec(text) as RegExpExecArray | null;
            expect(trigger.exec(text)).toEqual(expected && { text: expected[0], index: expected.index, params: {} });
            if (!regex.test(text)) continue;
            for (const clause of requirement) {
              expect(clause.some((term) => term.every((condition) => conditionHolds(condition, text)))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds exactly the conditions a query satisfies, as conditions come and go', () => {
    const word = fc.constantFrom('ab', 'abc', 'ca', 'cab', 'b_c', 'x1', 'st', 'store', 'kit', 'it', 'ia');
    const condition = fc
      .tuple(word, fc.boolean(), fc.boolean())
      .map(([w, o, c]) => `${o ? '*' : ''}${w}${c ? '*' : ''}`);
    fc.assert(
      fc.property(
        fc.array(condition, { minLength: 1, maxLength: 12 }),
        fc.array(fc.oneof(denseQuery, query), { minLength: 1, maxLength: 8 }),
        (conditions, queries) => {
          const finder = new WordFinder();
          const ids = conditions.map((c) => finder.acquire(c));
          const check = () => {
            for (const text of queries) {
              const found = new Set<string>();
              finder.find(text, (id) => found.add(finder.condition(id)));
              const held = new Set(ids.filter((id) => finder.references(id) > 0).map((id) => finder.condition(id)));
              expect([...found].sort()).toEqual([...held].filter((c) => conditionHolds(c, text)).sort());
            }
          };
          check();
          for (const id of ids.filter((_, i) => i % 2 === 0)) finder.release(id);
          check();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('knows every character whose folding or word boundary differs from ASCII', () => {
    const anyAscii = RE2JS.compile('[\\x00-\\x7f]', RE2JS.CASE_INSENSITIVE);
    const boundaryAfterA = RE2JS.compile('a\\b', RE2JS.CASE_INSENSITIVE);
    const mismatches: string[] = [];
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      // RE2's \b is ASCII: no other character is a word character to it.
      if (!boundaryAfterA.test(`a${ch}`)) mismatches.push(`U+${cp.toString(16)} is a word character to \\b`);
      // Folding the query must keep every ASCII character RE2 matches it to; such characters are flagged.
      const folded = ch.toLowerCase().replaceAll('\u017f', 's');
      const hasAscii = [...folded].some((c) => c.charCodeAt(0) < 0x80);
      if (hasAscii !== FOLDS_INTO_WORDS.test(ch)) mismatches.push(`U+${cp.toString(16)} flag`);
      if (!anyAscii.test(ch)) continue;
      for (let ascii = 0; ascii < 0x80; ascii++) {
        const literal = String.fromCharCode(ascii);
        if (
          RE2JS.compile(RE2JS.quote(literal), RE2JS.CASE_INSENSITIVE).test(ch) &&
          !folded.includes(literal.toLowerCase())
        ) {
          mismatches.push(`U+${cp.toString(16)} ~ ${literal}`);
        }
      }
      if (!FOLDS_INTO_WORDS.test(ch)) mismatches.push(`U+${cp.toString(16)} matches ASCII but is not flagged`);
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});

function renamed(definition: PatternDefinition, name: string): PatternDefinition {
  return PatternDefinition.fromConfig({ ...definition.toConfig(), name });
}
