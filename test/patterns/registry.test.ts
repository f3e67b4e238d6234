import { describe, expect, it } from 'vitest';
import { ConflictError, PatternDefinition, PatternRegistry, ValidationError } from '../../src/index.js';

const def = (
  name: string,
  trigger: string,
  priority = 5,
  type: 'infrastructure' | 'memory' | 'hybrid' = 'infrastructure',
) => PatternDefinition.fromConfig({ name, pattern_type: type, trigger_pattern: trigger, cost_tokens: 10, priority });

describe('PatternRegistry', () => {
  it('picks the highest priority among matches', () => {
    const registry = new PatternRegistry([
      def('low', 'deploy', 1),
      def('high', 'deploy\\s+app', 9),
      def('mid', 'app', 5),
    ]);
    expect(registry.findMatchingPattern('deploy app now')?.name).toBe('high');
    expect(registry.findMatchingPattern('deploy the thing')?.name).toBe('low');
    expect(registry.findMatchingPattern('nothing here')).toBeNull();
  });

  it('breaks priority ties by the longer match, then by registration order', () => {
    const registry = new PatternRegistry([
      def('short', 'check', 5),
      def('long', 'check\\s+health', 5),
      def('same_a', 'zz', 3),
      def('same_b', 'zz', 3),
    ]);
    expect(registry.findMatchingPattern('check health')?.name).toBe('long');
    expect(registry.findMatchingPattern('zz')?.name).toBe('same_a');
  });

  it('filters by pattern type', () => {
    const registry = new PatternRegistry([def('infra', 'status', 9), def('mem', 'status', 1, 'memory')]);
    expect(registry.findMatchingPattern('status', 'memory')?.name).toBe('mem');
    expect(registry.findMatchingPattern('status', ['hybrid'])).toBeNull();
    expect(() => registry.findMatchingPattern('status', 'quantum' as never)).toThrow(ValidationError);
  });

  it('returns named captures as parameters over the static params', () => {
    const pattern = PatternDefinition.fromConfig({
      name: 'tagged',
      pattern_type: 'memory',
      trigger_pattern: String.raw`tagged\s+(?<tag>\w+)`,
      cost_tokens: 1,
      action: 'recall_by_tag',
      params: { tag: 'fallback', limit: 3 },
    });
    const match = new PatternRegistry([pattern]).match('items tagged Security');
    expect(match).toMatchObject({ params: { tag: 'Security', limit: 3 }, matchedText: 'tagged Security', index: 6 });
  });

  it('registers a batch all or nothing', () => {
    const registry = new PatternRegistry([def('existing', 'a')]);
    expect(() => registry.registerBatch([def('fresh', 'b'), def('existing', 'c')])).toThrow(ConflictError);
    expect(() => registry.registerBatch([def('x', 'b'), def('x', 'c')])).toThrow(/twice/);
    expect(() => registry.registerBatch([{ name: 'raw' } as never])).toThrow(ValidationError);
    expect(registry.list().map((p) => p.name)).toEqual(['existing']);
    expect(registry.version).toBe(1);
  });

  it('replaces only when asked, keeping the registration order', () => {
    const registry = new PatternRegistry([def('first', 'go', 5), def('second', 'go', 5)]);
    expect(() => registry.register(def('first', 'go'))).toThrow(/already registered/);
    registry.register(def('first', 'go\\b', 5), { replace: true });
    expect(registry.findMatchingPattern('go')?.name).toBe('first');
  });

  it('bumps its version and forgets cached matches on every change', () => {
    const registry = new PatternRegistry([def('a', 'ping', 1)]);
    const seen: number[] = [];
    expect(registry.findMatchingPattern('ping')?.name).toBe('a');
    registry.register(def('b', 'ping', 9));
    seen.push(registry.version);
    expect(registry.findMatchingPattern('ping')?.name).toBe('b');
    expect(registry.unregister('b')).toBe(true);
    expect(registry.unregister('b')).toBe(false);
    seen.push(registry.version);
    expect(registry.findMatchingPattern('ping')?.name).toBe('a');
    registry.replaceAll([def('c', 'pong')]);
    seen.push(registry.version);
    expect(registry.findMatchingPattern('ping')).toBeNull();
    expect(seen).toEqual([2, 3, 4]);
    expect(registry.stats()).toMatchObject({
      patterns: 1,
      version: 4,
      byType: { infrastructure: 1, memory: 0, hybrid: 0 },
    });
  });

  it('fingerprints the set: equal for equal sets in any registry, different after any change', () => {
    const one = new PatternRegistry([def('a', 'ping', 1), def('b', 'pong', 2)]);
    const two = new PatternRegistry([def('a', 'ping', 1), def('b', 'pong', 2)]);
    expect(one.fingerprint).toBe(two.fingerprint);
    two.unregister('b');
    two.register(def('b', 'pong', 2));
    expect(two.version).not.toBe(one.version);
    expect(two.fingerprint).toBe(one.fingerprint);
    two.register(def('b', 'pong!', 2), { replace: true });
    expect(two.fingerprint).not.toBe(one.fingerprint);
  });

  it('keeps registration order across a reload of the same set', () => {
    const registry = new PatternRegistry([def('file_a', 'go', 5)]);
    registry.register(def('runtime_b', 'go', 5));
    expect(registry.findMatchingPattern('go')?.name).toBe('file_a');
    registry.replaceAll([def('file_a', 'go', 5)], { keep: (p) => p.name === 'runtime_b' });
    expect(registry.findMatchingPattern('go')?.name).toBe('file_a');
    expect(() => registry.replaceAll([def('runtime_b', 'x')], { keep: (p) => p.name === 'runtime_b' })).toThrow(
      /already registered/,
    );
  });

  it('keeps the old set when a replacement is invalid', () => {
    const registry = new PatternRegistry([def('a', 'ping')]);
    expect(() => registry.replaceAll([def('b', 'x'), def('b', 'y')])).toThrow();
    expect(registry.get('a')).toBeDefined();
    expect(registry.version).toBe(1);
  });

  it('explains every candidate it tried and why the winner won', () => {
    const registry = new PatternRegistry([
      def('deploy', String.raw`\bdeploy\s+(?<service>\w+)`, 9),
      def('deploy_now', String.raw`\bdeploy\s+\w+\s+now\b`, 9),
      def('anything', String.raw`^\w+\s+\w+`, 2),
      def('status', String.raw`\bstatus\b`, 9, 'memory'),
    ]);
    const explanation = registry.explain('deploy billing now');
    expect(explanation.foundLiterals).toEqual(['deploy', 'now']);
    expect(explanation.candidates.map((c) => [c.name, c.via, c.outcome])).toEqual([
      ['deploy', 'index', 'matched'],
      ['deploy_now', 'index', 'matched'],
      ['anything', 'always-checked', 'matched'],
    ]);
    // The rarest clause selects the pattern; the others confirm it.
    expect(explanation.candidates[1]?.requiredLiterals).toEqual([['now'], ['deploy']]);
    expect(explanation.winner).toEqual({
      name: 'deploy_now',
      reason: 'longer-match',
      detail: "same priority as 'deploy', longer match (18 > 14 characters)",
    });
    expect(explanation.match?.pattern.name).toBe(registry.match('deploy billing now')?.pattern.name);
    expect(registry.explain('deploy billing').winner).toMatchObject({ name: 'deploy', reason: 'priority' });
    expect(registry.explain('hello there').winner).toMatchObject({ name: 'anything', reason: 'only-match' });
    expect(registry.explain('nothing').winner).toBeNull();
    const filtered = registry.explain('status of deploy x', 'memory');
    expect(filtered.candidates.find((c) => c.name === 'deploy')?.outcome).toBe('type-filtered');
    expect(filtered.winner?.name).toBe('status');
  });

  it('names registration order when priority and length tie', () => {
    const registry = new PatternRegistry([def('first', 'ping', 4), def('second', 'ping', 4)]);
    expect(registry.explain('ping').winner).toMatchObject({ name: 'first', reason: 'registration-order' });
  });

  it('keeps selected patterns across replaceAll, in one version bump', () => {
    const registry = new PatternRegistry([def('from_file', 'alpha'), def('runtime', 'beta')]);
    registry.replaceAll([def('from_file', 'gamma')], { keep: (p) => p.name === 'runtime' });
    expect(registry.version).toBe(2);
    expect(registry.findMatchingPattern('beta')?.name).toBe('runtime');
    expect(registry.findMatchingPattern('gamma')?.name).toBe('from_file');
    expect(registry.findMatchingPattern('alpha')).toBeNull();
    expect(() => registry.replaceAll([def('runtime', 'x')], { keep: () => true })).toThrow(ConflictError);
    expect(registry.version).toBe(2);
  });

  it('can run without its match cache, and reports the index', () => {
    const registry = new PatternRegistry([def('a', 'ping'), def('b', String.raw`\w+`)], { matchCacheSize: 0 });
    registry.match('ping');
    registry.match('ping');
    expect(registry.stats()).toMatchObject({ lookups: 2, matchCacheHits: 0, index: { literals: 1, alwaysChecked: 1 } });
    expect(() => new PatternRegistry([], { matchCacheSize: -1 })).toThrow(ValidationError);
  });
});
