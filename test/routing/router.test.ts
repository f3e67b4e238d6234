import { describe, expect, it } from 'vitest';
import { HybridDecisionRouter, loadBuiltinCatalog, PatternRegistry, ValidationError } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';

describe('HybridDecisionRouter', async () => {
  const registry = new PatternRegistry(await loadBuiltinCatalog());
  const router = new HybridDecisionRouter(registry);

  it('gives a trigger match full confidence and names the pattern', async () => {
    const decision = await router.route('recall security patterns');
    expect(decision).toMatchObject({
      patternType: 'memory',
      confidence: 1,
      estimatedCost: 100,
      patternName: 'recall_memory',
      matched: true,
      alternativeRoutes: ['infrastructure', 'hybrid'],
    });
    expect(decision.reasoning).toMatch(/recall_memory/);
  });

  it.each([
    ['previous decision on caching and lessons learned', 'memory', 'recall_memory'],
    ['why is the api slow, any insight', 'hybrid', 'semantic_search'],
    ['is the server alive, what is its uptime', 'infrastructure', null],
  ])('routes "%s" to %s by its words', async (query, type, pattern) => {
    const decision = await router.route(query);
    expect(decision).toMatchObject({ patternType: type, matched: false, patternName: pattern });
    expect(decision.confidence).toBeGreaterThanOrEqual(0.5);
    expect(decision.confidence).toBeLessThan(1);
    expect(decision.alternativeRoutes).toHaveLength(2);
  });

  it.each([
    'how do we represent currency values?',
    'are we allowed to deploy late in the week',
    'tell me about our deploy freeze',
    'remind me what we decided on currency',
    'explain the retry policy for payments',
  ])('answers the question "%s" from memories, with the hybrid search', async (query) => {
    expect(await router.route(query)).toMatchObject({ patternType: 'hybrid', patternName: 'semantic_search' });
  });

  it.each(['the weather is nice today', 'how are you?', 'please tell me a joke'])(
    'does not search for small talk: "%s"',
    async (query) => {
      const decision = await router.route(query);
      expect(decision.patternName === null || decision.confidence < router.confidenceThreshold).toBe(true);
    },
  );

  it('has no confidence without evidence', async () => {
    expect(await router.route('hello there')).toMatchObject({ confidence: 0 });
  });

  it('needs more than one weak word to clear the threshold', async () => {
    const decision = await router.route('when');
    expect(decision.confidence).toBeLessThan(router.confidenceThreshold);
  });

  it('considers only the routes a mode allows', async () => {
    const decision = await router.route('what did we decide about caching', 'fast');
    expect(decision).toMatchObject({ patternType: 'infrastructure', alternativeRoutes: [] });
  });

  it('validates its input like execute does', async () => {
    await expect(router.route('   ')).rejects.toBeInstanceOf(ValidationError);
    await expect(router.route('x', 'turbo' as never)).rejects.toThrow(/executionMode/);
    await expect(router.route('x', 'balanced', [] as never)).rejects.toThrow(/context/);
  });

  it('counts nothing itself: the engine accounts for how its executions were routed', async () => {
    const engine = await createTestEngine();
    await engine.router.route('what did we decide about caching');
    expect(engine.getStats().router).toMatchObject({ decisions: 0, byTriggerMatch: 0 });
    await engine.execute('recall security patterns');
    await engine.execute('hello there').catch(() => undefined);
    expect(engine.getStats().router).toEqual({
      decisions: 1,
      byTriggerMatch: 1,
      byClassifier: 1,
      belowThreshold: 1,
      byType: { infrastructure: 1, memory: 0, hybrid: 0 }, // no evidence: the first route the mode allows
      averageConfidence: 0,
      confidenceThreshold: 0.5,
    });
  });

  it('refuses a threshold outside 0–1', () => {
    expect(() => new HybridDecisionRouter(registry, { confidenceThreshold: 2 })).toThrow(ValidationError);
  });
});
