import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../helpers/engine.js';

describe('statistics', () => {
  it('counts every call once, with one definition per figure', async () => {
    const engine = await createTestEngine();
    await engine.execute('recall memories'); // miss: 100 tokens
    await engine.execute('recall memories'); // hit: 0 tokens, 100 saved
    await engine.execute('calculate 1 / 0'); // failure: 35 tokens
    await engine.execute('').catch(() => undefined); // rejected input
    await engine.execute('hello there').catch(() => undefined); // not found

    const stats = engine.getStats();
    expect(stats).toMatchObject({
      totalExecutions: 5,
      successfulExecutions: 2,
      failedExecutions: 3,
      successRate: 40,
      cacheHits: 1,
      cacheHitRate: 20,
      tokensUsed: 135,
      tokensSavedByCache: 100,
      errors: { EXECUTION_FAILED: 1, VALIDATION_ERROR: 1, PATTERN_NOT_FOUND: 1 },
      byPattern: {
        recall_memory: { executions: 2, successes: 2, cacheHits: 1, tokensUsed: 100 },
        quick_calculation: { executions: 1, successes: 0, cacheHits: 0, tokensUsed: 35 },
      },
    });
    expect(stats.latencyMs.byType.memory.samples).toBe(1);
    expect(stats.latencyMs.byType.infrastructure.samples).toBe(1);
    expect(stats.latencyMs.cacheHits.samples).toBe(1);
    expect(stats.latencyMs.byType.memory.p99).toBeGreaterThanOrEqual(stats.latencyMs.byType.memory.p50);
    expect(stats.registry).toMatchObject({ patterns: 25, version: 1 });
    expect(stats.router).toMatchObject({ decisions: 1, byClassifier: 1, belowThreshold: 1 });
    expect(stats.store.backend).toBe('sqlite');
  });

  it('keeps rates within 0–100 however the calls mix', async () => {
    const engine = await createTestEngine();
    for (let i = 0; i < 30; i++) {
      await engine.execute(i % 3 === 0 ? 'check health' : 'show stats');
      await engine.execute('zzz').catch(() => undefined);
    }
    const { cacheHitRate, successRate } = engine.getStats();
    for (const rate of [cacheHitRate, successRate]) {
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThanOrEqual(100);
    }
    expect(successRate).toBe(50);
  });

  it('persists executions so another process (the CLI) can report them', async () => {
    const engine = await createTestEngine();
    await engine.execute('check health');
    await engine.execute('check health');
    const persisted = await engine.getPersistedStats();
    expect(persisted).toMatchObject({ executions: 2, successes: 2, cacheHits: 1, tokensUsed: 30, tokensSaved: 30 });
    expect(persisted!.recentDurations.infrastructure).toHaveLength(2);
  });

  it('does not persist executions when asked not to', async () => {
    const engine = await createTestEngine({ recordExecutions: false });
    await engine.execute('check health');
    expect(await engine.getPersistedStats()).toBeNull();
  });
});
