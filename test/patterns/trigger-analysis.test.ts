import { describe, expect, it } from 'vitest';
import { PatternDefinition, PatternRegistry } from '../../src/index.js';
import { analyzeTrigger } from '../../src/patterns/trigger-analysis.js';

describe('literal extraction', () => {
  it.each([
    [String.raw`optimize\s+(database|query|index)`, [['optimize'], ['database', 'query', 'index']]],
    ['alert.*performance.*degradation', [['alert'], ['performance'], ['degradation']]],
    [String.raw`analy[sz]e\s+(system\s+)?performance`, [['analyse', 'analyze'], ['performance']]],
    [String.raw`(?:remember|member|mem)\b`, [['mem']]],
    [String.raw`\b(?:Check|TEST)\s+health\b`, [['check', 'test'], ['health']]],
    [String.raw`stores?\b`, [['store']]],
    [String.raw`tag(?:ged)?\s*:\s*x`, [['tag'], [':'], ['x']]],
    ['café', [['caf']]],
    [String.raw`find\x20similar`, [['find similar']]],
  ])('requires the literals of %s', (source, expected) => {
    const sorted = (cnf: ReadonlyArray<readonly string[]>) => cnf.map((clause) => [...clause].sort());
    expect(sorted(analyzeTrigger(source).requirement)).toEqual(sorted(expected));
  });

  it.each([[String.raw`(?:please\s+)?`], [String.raw`\w+\s+\w+`], ['.*'], ['(?:store|.*)']])(
    'requires nothing of %s (it is always checked)',
    (source) => {
      expect(analyzeTrigger(source).requirement.filter((c) => c.every((l) => l.length > 1))).toEqual([]);
    },
  );

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
    expect(analyzeTrigger(String.raw`(?<a>x)|(?<b>y)(?<a2>z)`).captureNames).toEqual(['a', 'b', 'a2']);
    expect(analyzeTrigger(String.raw`(?P<tag>\w+)`).captureNames).toEqual(['tag']);
  });
});
