import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PATTERN_LIMITS,
  PatternDefinition,
  PatternRegistry,
  PatternServiceError,
  UnsafePatternError,
  ValidationError,
} from '../../src/index.js';
import { compileTrigger } from '../../src/patterns/trigger.js';

const define = (trigger_pattern: string, name = 'p') =>
  PatternDefinition.fromConfig({ name, pattern_type: 'memory', trigger_pattern, cost_tokens: 1 });

/** Pieces of ECMAScript and RE2 syntax on which the two engines agree, disagree, or refuse. */
const PIECES = [
  'a',
  'Z',
  'é',
  '😀',
  '\ud800',
  ' ',
  '-',
  '_',
  ':',
  '\\b',
  '\\B',
  '\\d',
  '\\w',
  '\\s',
  '\\W',
  '.',
  '^',
  '$',
  '[a-z]',
  '[^a]',
  '[\\d-z]',
  '[a-]',
  '[-a]',
  '[]',
  '[^]',
  '[\\b]',
  '[[]',
  '[a[]',
  '[\\s,]',
  ']',
  '{',
  '}',
  '{2}',
  '{1,3}',
  '{,3}',
  '{2,}',
  '{0}',
  '*',
  '+',
  '?',
  '*?',
  '+?',
  '??',
  '{2}?',
  '(',
  ')',
  '(?:',
  '(?<n>',
  '(?<n1>',
  '(?<$x>',
  '(?<é>',
  '(?P<p>',
  '(?=',
  '(?!',
  '(?<=',
  '(?<!',
  '|',
  '\\1',
  '\\k<n>',
  '\\u0041',
  '\\u{41}',
  '\\cA',
  '\\cj',
  '\\c1',
  '\\x4',
  '\\x41',
  '\\x{41}',
  '\\0',
  '\\e',
  '\\/',
  '\\-',
  '\\ ',
  '\\é',
  '\\.',
  '\\Q',
  '\\E',
  '\\pL',
  '\\p{L}',
  '\\p{Letter}',
  '[[:alpha:]]',
  '(?i)',
  '(?i:',
  '(?-i:',
  '(?s:',
  '(?m:',
  '(?U)',
  '\\n',
  '\\t',
  '\\v',
  '\\f',
  '\\r',
  '\u0000',
  '\u007f',
  '\t',
  '\\A',
  '\\z',
  '\\Z',
  '(?>',
  'a++',
  '\\\\',
];

describe('regex checks before compiling', () => {
  it('refuses repeat counts and program sizes over the limits, naming the limit', () => {
    expect(PATTERN_LIMITS).toMatchObject({ maxRepeatCount: 100, maxProgramSize: 2000 });
    expect(() => define(String.raw`(\w{1000})`)).toThrow(/repeat count 1000 is over the limit of 100/);
    expect(() => define(String.raw`\w{101}`)).toThrow(ValidationError);
    expect(() => define(String.raw`x{3,150}`)).toThrow(/repeat count 150/);
    expect(() => define(String.raw`(?:(?:a){2}){501}`)).toThrow(/repeat count 501/);
    expect(() => define(String.raw`(?:(?:ab){20}){60}`)).toThrow(
      /nested repeat counts multiply to 1200, over the limit of 1000/,
    );
    expect(() => define(String.raw`(?:a{10}b{10}c{10}){100}`)).toThrow(
      /about 3\d{3} instructions, over the limit of 2000/,
    );
    // RE2-only syntax is checked on the compiled program and by the counts it spells.
    expect(() => define(String.raw`(?P<x>a{500})`)).toThrow(/repeat count 500/);
    expect(() => define(String.raw`(?:\pL{100}){10}(?:\pL{100}){10}(?:\pL{100}){10}`)).toThrow(
      /over the limit of 2000/,
    );
    for (const accepted of [
      String.raw`\w{100}`,
      String.raw`(?:\w{10}){10}`,
      'x'.repeat(PATTERN_LIMITS.triggerMaxLength),
    ]) {
      expect(define(accepted).trigger.test(accepted.startsWith('x') ? accepted : 'a'.repeat(100))).toBe(true);
    }
  });

  it('refuses what needs backtracking with UNSAFE_PATTERN, whichever parser reads it', () => {
    for (const trigger of [
      '(?=a)b',
      '(?<!a)b',
      String.raw`(a)\1`,
      String.raw`(?<n>a)\k<n>`,
      String.raw`(?P<x>a)(?=b)`,
    ]) {
      expect(() => define(trigger)).toThrow(UnsafePatternError);
    }
  });

  it('compiles a checked trigger on its first use, and a trigger in RE2-only syntax at once', () => {
    const lazy = compileTrigger(String.raw`\bcheck\s+(?<what>\w+)`);
    expect(lazy.compiled).toBe(false);
    expect(lazy.exec('please check disks')).toEqual({ text: 'check disks', index: 7, params: { what: 'disks' } });
    expect(lazy.compiled).toBe(true);
    expect(compileTrigger(String.raw`(?P<what>\w+)`).compiled).toBe(true);
  });

  it('registers thousands of triggers without compiling one, and compiles only what queries reach', () => {
    const registry = new PatternRegistry(
      Array.from({ length: 2000 }, (_, i) => define(String.raw`\bitem${i}\s+(?<v>\w+)`, `p${i}`)),
      { matchCacheSize: 0 },
    );
    expect(registry.stats().index.compiled).toBe(0);
    expect(registry.match('item1234 ready')?.pattern.name).toBe('p1234');
    expect(registry.stats().index.compiled).toBe(1);
  });

  it('reads literal braces and brackets as ECMAScript does, so they need no compiling up front', () => {
    for (const [source, texts] of [
      ['a{,3}', ['a{,3}', 'aaa']],
      ['x]', ['x]', 'x']],
      ['x{2', ['x{2', 'xx']],
      ['a{1,2', ['a{1,2', 'a']],
    ] as const) {
      const trigger = compileTrigger(source);
      expect(trigger.compiled).toBe(false);
      for (const text of texts) expect(trigger.test(text)).toBe(new RegExp(source, 'i').test(text));
    }
  });

  it('reads ECMAScript escapes RE2 spells differently, as before', () => {
    expect(define(String.raw`x\u0041y`).trigger.test('xay')).toBe(true);
    expect(define(String.raw`a\cJb`).trigger.test('a\nb')).toBe(true);
    expect(define(String.raw`\\u0041`).trigger.test('\\u0041')).toBe(true);
  });

  it('never accepts a trigger that re2js then refuses: the checks and the engine agree', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }), (pieces) => {
        const source = pieces.join('');
        let trigger;
        try {
          trigger = compileTrigger(source, 'trigger_pattern');
        } catch (error) {
          expect(error).toBeInstanceOf(PatternServiceError);
          expect((error as PatternServiceError).code).toMatch(/^(VALIDATION_ERROR|UNSAFE_PATTERN)$/);
          return;
        }
        // A trigger accepted without compiling must compile (and run) when a query first reaches it.
        expect(() => trigger.exec('Aa é 😀 ab-c_d 12 \n x')).not.toThrow();
        expect(trigger.compiled).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
