import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../memory/execution-log.js';
import type { ExecutionLogUnderTest } from './subjects.js';

export interface ExecutionLogSuiteOptions {
  name: string;
  /** A log for one test, starting empty. */
  open: () => Promise<ExecutionLogUnderTest>;
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

function record(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    at: T0,
    agentId: 'alice',
    namespace: 'lab',
    pattern: 'recall_memory',
    patternType: 'memory',
    mode: 'balanced',
    success: true,
    cacheHit: false,
    durationMs: 2.5,
    tokensUsed: 100,
    tokensSaved: 0,
    errorCode: null,
    ...overrides,
  };
}

/**
 * The behaviour every ExecutionLog must share: the durable accounting that `tmws-patterns
 * stats` reads across processes. Each backend's spec calls this with a factory whose log
 * starts empty.
 */
export function executionLogSuite({ name: backend, open: create }: ExecutionLogSuiteOptions): void {
  describe(`ExecutionLog contract: ${backend}`, () => {
    let subject: ExecutionLogUnderTest;
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('summarises an empty log as zeros', async () => {
      expect(await subject.log.summary()).toEqual({
        executions: 0,
        successes: 0,
        cacheHits: 0,
        tokensUsed: 0,
        tokensSaved: 0,
        byPattern: [],
        recentDurations: {},
        firstAt: null,
        lastAt: null,
      });
    });

    it('adds up every appended execution, by pattern, with the time span', async () => {
      await subject.log.append([
        record({ at: T0 }),
        record({ at: T0 + 1000, cacheHit: true, tokensUsed: 0, tokensSaved: 100, durationMs: 0.01 }),
        record({ at: T0 + 2000, pattern: 'quick_calculation', patternType: 'infrastructure', tokensUsed: 35 }),
      ]);
      await subject.log.append([
        record({ at: T0 + 3000, success: false, tokensUsed: 100, errorCode: 'EXECUTION_FAILED' }),
        // Refused before a pattern was chosen: counted, under no pattern.
        record({ at: T0 + 4000, pattern: null, patternType: null, success: false, tokensUsed: 0, errorCode: 'X' }),
      ]);
      const summary = await subject.log.summary();
      expect(summary).toMatchObject({
        executions: 5,
        successes: 3,
        cacheHits: 1,
        tokensUsed: 235,
        tokensSaved: 100,
        firstAt: new Date(T0).toISOString(),
        lastAt: new Date(T0 + 4000).toISOString(),
      });
      expect(summary.byPattern).toEqual([
        { pattern: 'recall_memory', patternType: 'memory', executions: 3, successes: 2, cacheHits: 1, tokensUsed: 200 },
        expect.anything(),
        expect.anything(),
      ]);
      expect(summary.byPattern.slice(1).sort((a, b) => a.pattern.localeCompare(b.pattern))).toEqual([
        { pattern: '(none)', patternType: null, executions: 1, successes: 0, cacheHits: 0, tokensUsed: 0 },
        {
          pattern: 'quick_calculation',
          patternType: 'infrastructure',
          executions: 1,
          successes: 1,
          cacheHits: 0,
          tokensUsed: 35,
        },
      ]);
    });

    it('keeps the recent durations of each pattern type for percentiles', async () => {
      await subject.log.append([
        record({ durationMs: 1.25 }),
        record({ durationMs: 7.5 }),
        record({ pattern: 'health_check', patternType: 'infrastructure', durationMs: 0.5 }),
        record({ pattern: null, patternType: null, durationMs: 99 }),
      ]);
      const { recentDurations } = await subject.log.summary();
      expect(Object.keys(recentDurations).sort()).toEqual(['infrastructure', 'memory']);
      expect([...recentDurations.memory!].sort((a, b) => a - b)).toEqual([1.25, 7.5]);
      expect(recentDurations.infrastructure).toEqual([0.5]);
    });

    it('accepts an empty append', async () => {
      await subject.log.append([]);
      expect((await subject.log.summary()).executions).toBe(0);
    });
  });
}
