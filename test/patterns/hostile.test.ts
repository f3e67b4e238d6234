import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  PATTERN_LIMITS,
  PatternDefinition,
  PatternRegistry,
  PayloadTooLargeError,
  REQUEST_LIMITS,
  UnsafePatternError,
  ValidationError,
} from '../../src/index.js';

/** Catastrophic on a backtracking engine: nested and overlapping quantifiers, huge repeats. */
const HOSTILE_TRIGGERS = [
  '(a+)+$',
  String.raw`(\w+\s?)+$`,
  '(a|a)*b',
  '(a|aa)+$',
  '(a|ab|abc|abcd)*$',
  String.raw`(?:\w|\d|[a-z0-9])+$`,
  '(.*a){12}',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '(x+x+)+y',
  '(?:a?){30}a{30}',
  String.raw`^(\s*\w+\s*,?)*\s*;$`,
  '((((a{100}){100}){100}){100})',
  String.raw`(\w{1000})`,
  String.raw`(?:\pL{100}){10}(?:\pL{100}){10}(?:\pL{100}){10}`,
  '(?=a)a',
  String.raw`(a)\1`,
];

const HOSTILE_QUERIES = [
  `${'a'.repeat(PATTERN_LIMITS.maxQueryLength - 1)}!`,
  `${'a '.repeat(PATTERN_LIMITS.maxQueryLength / 2 - 1)}!`,
  `${'abcd'.repeat(PATTERN_LIMITS.maxQueryLength / 4 - 1)}!`,
  `${'x'.repeat(PATTERN_LIMITS.maxQueryLength - 1)}`,
  `${'word, '.repeat(330)}`,
  `${'a'.repeat(10_000)}!`,
  `${'a '.repeat(5_000)}`,
  `${'ſ'.repeat(10_000)}`,
];

interface Outcome {
  label: string;
  outcome: 'ok' | 'refused';
  code?: string;
  message?: string;
  value?: unknown;
  ms: number;
}

/**
 * Runs the hostile calls in a worker and terminates it if they have not all completed in
 * `guardMs`: a stalled regex would block the test's own thread, so no in-thread timeout
 * could fire. The guard is generous; linear time is the point, not a figure.
 */
function runGuarded(guardMs: number): Promise<Outcome[]> {
  const worker = new Worker(new URL('./fixtures/hostile-worker.mjs', import.meta.url), {
    workerData: { triggers: HOSTILE_TRIGGERS, queries: HOSTILE_QUERIES },
  });
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`hostile calls did not complete within ${guardMs} ms: something stalled`));
    }, guardMs);
    worker.once('message', (outcomes: Outcome[]) => {
      clearTimeout(guard);
      void worker.terminate();
      resolve(outcomes);
    });
    worker.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
  });
}

describe('hostile triggers and queries', () => {
  it('every registration, match, explain and exec completes or is refused with a clear code', async () => {
    const outcomes = await runGuarded(15_000);
    const registrations = outcomes.filter((o) => o.label.startsWith('register'));
    expect(registrations).toHaveLength(HOSTILE_TRIGGERS.length);
    const refusedTriggers = Object.fromEntries(
      registrations.filter((o) => o.outcome === 'refused').map((o) => [o.label.slice(9), o.code]),
    );
    // Nested quantifiers run on re2js in linear time, so they are accepted; what needs
    // backtracking, or is over the repeat and size limits, is refused.
    expect(refusedTriggers).toEqual({
      '((((a{100}){100}){100}){100})': 'VALIDATION_ERROR',
      [String.raw`(\w{1000})`]: 'VALIDATION_ERROR',
      [String.raw`(?:\pL{100}){10}(?:\pL{100}){10}(?:\pL{100}){10}`]: 'VALIDATION_ERROR',
      '(?=a)a': 'UNSAFE_PATTERN',
      [String.raw`(a)\1`]: 'UNSAFE_PATTERN',
    });
    const queries = outcomes.filter((o) => !o.label.startsWith('register'));
    const tooLong = HOSTILE_QUERIES.filter((q) => q.length > PATTERN_LIMITS.maxQueryLength).length;
    const refusedQueries = queries.filter((o) => o.outcome === 'refused');
    expect(refusedQueries).toHaveLength(tooLong * 2);
    for (const refused of refusedQueries) {
      expect(refused.code).toBe('PAYLOAD_TOO_LARGE');
      expect(refused.label).toMatch(/^(match|explain) \d{5} chars$/);
    }
    // The catastrophic ones match where they should: `(a+)+$` on "aaa…a!" does not, `(a|a)*b` on "ab…" does not.
    const execOf = (trigger: string, length: number) =>
      queries.find((o) => o.label === `exec ${trigger} on ${length} chars`)?.value;
    expect(execOf('(a+)+$', 2000)).toBe(false);
    expect(execOf('(x+x+)+y', 1999)).toBe(false);
    expect(execOf(String.raw`(\w+\s?)+$`, 10_000)).toBe(true);
  }, 20_000);

  it('refuses a query over the documented limit in match and explain, as execute does', () => {
    const registry = new PatternRegistry([
      PatternDefinition.fromConfig({ name: 'a', pattern_type: 'memory', trigger_pattern: 'a', cost_tokens: 1 }),
    ]);
    const long = 'a'.repeat(PATTERN_LIMITS.maxQueryLength + 1);
    expect(() => registry.match(long)).toThrow(PayloadTooLargeError);
    expect(() => registry.explain(long)).toThrow(/over the limit of 2000/);
    expect(registry.match('a'.repeat(PATTERN_LIMITS.maxQueryLength))?.pattern.name).toBe('a');
    expect(PATTERN_LIMITS.maxQueryLength).toBe(REQUEST_LIMITS.maxQueryLength);
  });

  it('says why a trigger is refused', () => {
    const config = { name: 'x', pattern_type: 'memory', cost_tokens: 1 };
    expect(() => PatternDefinition.fromConfig({ ...config, trigger_pattern: '(?<=a)b' })).toThrow(
      /lookahead\/lookbehind assertions are not supported, because they need a backtracking regex engine/,
    );
    expect(() => PatternDefinition.fromConfig({ ...config, trigger_pattern: String.raw`(a)\1` })).toThrow(
      UnsafePatternError,
    );
    expect(() => PatternDefinition.fromConfig({ ...config, trigger_pattern: '((((a{100}){100}){100}){100})' })).toThrow(
      ValidationError,
    );
  });
});
