import { describe, expect, it } from 'vitest';
import { PatternDefinition, PatternRegistry } from '../../src/index.js';
import { describeRequirement } from '../../src/patterns/literal-requirement.js';
import { analyzeTrigger } from '../../src/patterns/trigger-analysis.js';
import { compileTrigger } from '../../src/patterns/trigger.js';

/** The requirement as OR-groups of `&`-joined terms, each group and the list sorted. */
const requirementOf = (source: string) =>
  describeRequirement(analyzeTrigger(source).requirement)
    .map((clause) => [...clause].sort())
    .sort((a, b) => (a.join() < b.join() ? -1 : 1));

describe('literal requirement', () => {
  it.each([
    // Word boundaries from \b, ^, $, \s and punctuation make whole words, prefixes and suffixes.
    [String.raw`\b(?:Check|TEST)\s+health\b`, [['check', 'test'], ['health']]],
    [String.raw`optimize\s+(database|query|index)`, [['*optimize'], ['database*', 'index*', 'query*']]],
    ['alert.*performance.*degradation', [['*alert*'], ['*degradation*'], ['*performance*']]],
    [String.raw`analy[sz]e\s+(system\s+)?performance`, [['*analyse', '*analyze'], ['performance*']]],
    [String.raw`(?:remember|member|mem)\b`, [['*mem', '*member']]],
    [String.raw`stores?\b`, [['*store', '*stores']]],
    [String.raw`tag(?:ged)?\s*:\s*x`, [['*tag', '*tagged']]],
    ['café', [['*caf']]],
    [String.raw`find\x20similar`, [['*find'], ['similar*']]],
    ['auth-service', [['*auth'], ['service*']]],
    [String.raw`ab[^\w]cd`, [['*ab'], ['cd*']]],
    [String.raw`\bverylongwordthatexceedsthirtytwocharacters\b`, [['verylongwordthatexceedsthirtytwo*']]],
    // Conjunctions stay conjunctions: every required word, not any one of them.
    [
      String.raw`\b(ab|cd)\s+(ef|gh)\b`,
      [
        ['ab', 'cd'],
        ['ef', 'gh'],
      ],
    ],
    [String.raw`\bab\b.*\bcd\b`, [['ab'], ['cd']]],
    [String.raw`\bab\s+(?:the\s+)?cd\b`, [['ab'], ['cd']]],
    [String.raw`\b(?:ab|cd|ef)\b\s+\w+\s+\bgh\b`, [['ab', 'cd', 'ef'], ['gh']]],
    // Alternations of sequences: one OR-group whose terms are conjunctions.
    [String.raw`(?:ab\s+cd|ef\s+gh)`, [['*ab&cd*', '*ef&gh*']]],
    [String.raw`\b(?:aa\s+bb|aa\s+cc)\b`, [['aa'], ['bb', 'cc']]],
    [
      String.raw`\b(?:check|test|verify)\s+(?:the\s+)?(?:(?<component>service|db)\s+)?(?:health|status)\b`,
      [
        ['check', 'test', 'verify'],
        ['health', 'status'],
      ],
    ],
  ])('requires %s', (source, expected) => {
    expect(requirementOf(source)).toEqual(expected);
  });

  it.each([
    [String.raw`(?:please\s+)?`],
    [String.raw`\w+\s+\w+`],
    ['.*'],
    ['(?:store|.*)'],
    ['a\\s+b'],
    [String.raw`\bK`],
  ])('requires nothing of %s (it is always checked)', (source) => {
    expect(analyzeTrigger(source).requirement).toEqual([]);
  });

  it.each([
    [String.raw`\Qa.b\E`, 'a.b'],
    [String.raw`\x{41}bc`, 'Abc'],
    ['[]a]xyz', 'axyz'],
    ['[[:alpha:]]xyz', 'qxyz'],
    [String.raw`\pLxyz`, 'qxyz'],
    [String.raw`\Aabc\z`, 'abc'],
    ['(?i)abc', 'ABC'],
  ])('leaves RE2-only syntax %s unanalysed, so it still matches %s', (source, query) => {
    expect(analyzeTrigger(source).requirement).toEqual([]);
    const registry = new PatternRegistry([
      PatternDefinition.fromConfig({ name: 'p', pattern_type: 'memory', trigger_pattern: source, cost_tokens: 1 }),
    ]);
    expect(registry.findMatchingPattern(query)?.name).toBe('p');
  });

  it('reads named capture groups, including RE2 (?P<name>) groups', () => {
    expect(compileTrigger(String.raw`(?<a>x)|(?<b>y)(?<a2>z)`).analysis.captureNames).toEqual(['a', 'b', 'a2']);
    expect(compileTrigger(String.raw`(?P<tag>\w+)\s+(?P<n>\d+)`).analysis.captureNames).toEqual(['tag', 'n']);
  });
});
