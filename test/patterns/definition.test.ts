import { describe, expect, it } from 'vitest';
import { PatternDefinition, PatternType, UnsafePatternError, ValidationError } from '../../src/index.js';

const valid = {
  name: 'database_optimization',
  pattern_type: 'memory',
  trigger_pattern: String.raw`optimize\s+(database|query|index)`,
  cost_tokens: 120,
  priority: 10,
  cache_ttl: 300,
  metadata: { category: 'optimization', description: 'Database optimization pattern' },
};

describe('PatternDefinition.fromConfig', () => {
  it("accepts the seed's snake_case config", () => {
    const pattern = PatternDefinition.fromConfig(valid);
    expect(pattern).toMatchObject({
      name: 'database_optimization',
      patternType: PatternType.MEMORY,
      costTokens: 120,
      priority: 10,
      cacheTtl: 300,
      action: 'recall',
      description: 'Database optimization pattern',
    });
    expect(pattern.trigger.test('please OPTIMIZE  Index usage')).toBe(true);
    expect(pattern.toConfig()).toMatchObject({
      name: valid.name,
      pattern_type: 'memory',
      trigger_pattern: valid.trigger_pattern,
    });
  });

  it('defaults priority and cache TTL, and never caches writes', () => {
    const pattern = PatternDefinition.fromConfig({
      ...valid,
      priority: undefined,
      cache_ttl: undefined,
      action: 'store',
    });
    expect(pattern.priority).toBe(5);
    expect(pattern.cacheTtl).toBe(300);
    expect(pattern.effectiveCacheTtl).toBe(0);
  });

  it.each([
    ['a missing name', { ...valid, name: undefined }, /name/],
    ['a missing trigger', { ...valid, trigger_pattern: undefined }, /trigger_pattern/],
    ['a missing cost', { ...valid, cost_tokens: undefined }, /cost_tokens/],
    ['an unknown type', { ...valid, pattern_type: 'quantum' }, /pattern_type/],
    ['a bad name', { ...valid, name: 'Bad Name!' }, /name: must start with a lowercase letter/],
    ['a negative cost', { ...valid, cost_tokens: -1 }, /cost_tokens/],
    ['a fractional cost', { ...valid, cost_tokens: 1.5 }, /cost_tokens/],
    ['a negative TTL', { ...valid, cache_ttl: -5 }, /cache_ttl/],
    ['an unknown key', { ...valid, trigger: 'x' }, /trigger/],
    [
      'a regex that does not compile',
      { ...valid, trigger_pattern: 'optimize(' },
      /trigger_pattern: invalid regular expression/,
    ],
    ['an unknown action', { ...valid, action: 'launch' }, /action: unknown action 'launch'/],
    ['an action of another type', { ...valid, action: 'health' }, /'health' is a infrastructure action/],
    ['a non-object', 'optimize', /expected object/],
  ])('rejects %s with a ValidationError naming the field', (_label, config, message) => {
    let caught: unknown;
    try {
      PatternDefinition.fromConfig(config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).code).toMatch(/VALIDATION_ERROR|UNSAFE_PATTERN/);
    expect((caught as Error).message).toMatch(message);
  });

  it('refuses backtracking-only regex features with UNSAFE_PATTERN and says why', () => {
    for (const trigger of ['(?=foo)bar', '(a)\\1', '(?<!x)y']) {
      expect(() => PatternDefinition.fromConfig({ ...valid, trigger_pattern: trigger })).toThrow(UnsafePatternError);
    }
    expect(() => PatternDefinition.fromConfig({ ...valid, trigger_pattern: '(?=foo)bar' })).toThrow(/backtracking/);
  });

  it('builds directly from a RegExp, always case-insensitive', () => {
    const pattern = new PatternDefinition({
      name: 'database_optimization',
      patternType: PatternType.MEMORY,
      trigger: /optimize\s+(database|query|index)/,
      costTokens: 120,
      priority: 10,
      cacheTtl: 300,
      metadata: { category: 'optimization' },
    });
    expect(pattern.trigger.test('Optimize Database')).toBe(true);
    expect(Object.isFrozen(pattern)).toBe(true);
  });
});
