import { describe, expect, it } from 'vitest';
import { PatternDefinition, PatternRegistry, ValidationError } from '../../src/index.js';

const base = { pattern_type: 'memory', cost_tokens: 1, priority: 5 } as const;

describe('declared parameters', () => {
  const registry = new PatternRegistry([
    PatternDefinition.fromConfig({
      ...base,
      name: 'top_n',
      priority: 9,
      trigger_pattern: String.raw`\btop\s+(?<count>\S+)\s+(?<kind>\w+)`,
      parameters: {
        count: { type: 'integer', min: 1, max: 50 },
        kind: { enum: ['Alerts', 'incidents'] },
      },
    }),
    PatternDefinition.fromConfig({
      ...base,
      name: 'threshold',
      priority: 9,
      trigger_pattern: String.raw`\babove\s+(?<value>[\d.]+)`,
      params: { value: 0.7 },
      parameters: { value: { type: 'number', min: 0, max: 1 } },
    }),
    PatternDefinition.fromConfig({
      ...base,
      name: 'tagged',
      priority: 8,
      trigger_pattern: String.raw`\btagged\s+(?<tag>\S+)(?:\s+in\s+(?<project>\w+))?`,
      parameters: { tag: { pattern: '[a-z][a-z0-9-]*', max: 20 }, project: { required: false } },
    }),
    PatternDefinition.fromConfig({
      ...base,
      name: 'fallback',
      priority: 1,
      trigger_pattern: String.raw`\b(top|above|tagged)\b`,
    }),
  ]);

  it('converts typed captures and takes the enum spelling', () => {
    expect(registry.match('show top 10 ALERTS')).toMatchObject({
      pattern: { name: 'top_n' },
      params: { count: 10, kind: 'Alerts' },
    });
    expect(registry.match('importance above .85')?.params).toEqual({ value: 0.85 });
    expect(registry.match('items tagged db-perf')?.params).toEqual({ tag: 'db-perf' });
    expect(registry.match('items tagged db-perf in billing')?.params).toEqual({ tag: 'db-perf', project: 'billing' });
  });

  it('treats a match whose captures break the rules as no match, and tries the next pattern', () => {
    expect(registry.match('show top ten alerts')?.pattern.name).toBe('fallback');
    expect(registry.match('show top 0 alerts')?.pattern.name).toBe('fallback');
    expect(registry.match('show top 51 alerts')?.pattern.name).toBe('fallback');
    expect(registry.match('show top 5 widgets')?.pattern.name).toBe('fallback');
    expect(registry.match('importance above 1.5')?.pattern.name).toBe('fallback');
    expect(registry.match('importance above 1.2.3')?.pattern.name).toBe('fallback');
    expect(registry.match('items tagged 9lives')?.pattern.name).toBe('fallback');
    expect(registry.match(`items tagged ${'x'.repeat(21)}`)?.pattern.name).toBe('fallback');
  });

  it('explains which rule a rejected capture broke', () => {
    const explanation = registry.explain('show top 99 widgets');
    const topN = explanation.candidates.find((c) => c.name === 'top_n');
    expect(topN).toMatchObject({ outcome: 'params-rejected', matchedText: 'top 99 widgets' });
    expect(topN?.paramErrors).toEqual(['count: 99 is above 50', "kind: 'widgets' is not one of Alerts, incidents"]);
    expect(explanation.winner?.name).toBe('fallback');
  });

  it.each([
    [{ ghost: {} }, /parameters\.ghost: the trigger has no named group \(\?<ghost>…\); its named groups: count/],
    [{ count: { type: 'integer', min: 5, max: 1 } }, /min 5 is above max 1/],
    [{ count: { type: 'integer', pattern: '\\d+' } }, /pattern applies to string parameters only/],
    [{ count: { type: 'integer', enum: ['one'] } }, /enum values must be numbers/],
    [{ count: { pattern: '(' } }, /parameters\.count\.pattern: invalid regular expression/],
    [{ count: { type: 'float' } }, /parameters\.count\.type/],
    [{ count: { maximum: 3 } }, /parameters\.count: Unrecognized key/],
  ])('rejects a bad declaration %j with a ValidationError that names it', (parameters, message) => {
    const config = { ...base, name: 'bad', trigger_pattern: String.raw`top\s+(?<count>\d+)`, parameters };
    expect(() => PatternDefinition.fromConfig(config)).toThrow(ValidationError);
    expect(() => PatternDefinition.fromConfig(config)).toThrow(message);
  });

  it('checks a static default against its own rule', () => {
    expect(() =>
      PatternDefinition.fromConfig({
        ...base,
        name: 'bad_default',
        trigger_pattern: String.raw`above\s+(?<value>\S+)`,
        params: { value: 3 },
        parameters: { value: { type: 'number', max: 1 } },
      }),
    ).toThrow(/params\.value: the default 3 is above 1/);
  });

  it('keeps declarations in the wire form', () => {
    const config = registry.get('top_n')!.toConfig();
    expect(config.parameters).toEqual({
      count: { type: 'integer', min: 1, max: 50 },
      kind: { enum: ['Alerts', 'incidents'] },
    });
    expect(PatternDefinition.fromConfig(config).parameters).toEqual(config.parameters);
  });
});
