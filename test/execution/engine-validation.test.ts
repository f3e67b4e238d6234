import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, REQUEST_LIMITS, ValidationError } from '../../src/index.js';
import { createSpiedEngine } from '../helpers/engine.js';

class Custom {
  x = 1;
}

const deep = (levels: number): Record<string, unknown> => (levels === 0 ? {} : { next: deep(levels - 1) });

const BAD_CALLS: Array<[string, unknown, unknown, RegExp]> = [
  ['an empty query', '', undefined, /query: must not be empty/],
  ['a whitespace query', ' \n\t ', undefined, /query: must not be empty/],
  ['a non-string query', 42, undefined, /query: expected a string, got a number/],
  ['a query with NUL', 'recall\u0000x', undefined, /NUL/],
  ['an unknown mode', 'recall x', { executionMode: 'turbo' }, /executionMode/],
  ['an unknown option', 'recall x', { mode: 'fast' }, /mode/],
  ['a non-boolean useCache', 'recall x', { useCache: 'yes' }, /useCache/],
  ['non-object options', 'recall x', 'fast', /options: expected an object/],
  ['an array context', 'recall x', { context: [] }, /context: expected a plain object, got an array/],
  ['a string context', 'recall x', { context: 'agent=bob' }, /context: expected a plain object, got a string/],
  ['a null context', 'recall x', { context: null }, /context: expected a plain object, got null/],
  ['a class-instance context', 'recall x', { context: new Custom() }, /context: expected a plain object, got a Custom/],
  [
    'a context with a function',
    'store note: x',
    { context: { f: () => 1 } },
    /context.f: a function is not a JSON value/,
  ],
  ['a context with NaN', 'store note: x', { context: { n: Number.NaN } }, /context.n: numbers must be finite/],
  ['a too-deep context', 'store note: x', { context: deep(REQUEST_LIMITS.maxContextDepth + 1) }, /nested deeper than/],
  ['an out-of-range importance', 'store note: x', { context: { importance: 2 } }, /context.importance/],
  ['non-array tags', 'store note: x', { context: { tags: 'a,b' } }, /context.tags/],
  ['a malformed tag', 'store note: x', { context: { tags: ['has space'] } }, /context.tags.0/],
  ['an unknown access level', 'store note: x', { context: { accessLevel: 'secret' } }, /context.accessLevel/],
  ['a malformed agent id', 'store note: x', { context: { agentId: '../etc' } }, /context.agentId/],
  ['an agent given twice', 'store note: x', { context: { agentId: 'a', agent_id: 'b' } }, /given twice/],
  [
    'a past expiry',
    'store note: x',
    { context: { expiresAt: '2001-01-01T00:00:00Z' } },
    /expiresAt: must be in the future/,
  ],
  ['a bad limit', 'recall x', { context: { limit: 0 } }, /context.limit/],
];

describe('bad input', () => {
  it.each(BAD_CALLS)(
    'rejects %s with a ValidationError naming the problem, and changes nothing',
    async (_label, query, options, message) => {
      const { engine, calls } = await createSpiedEngine();
      await expect(engine.execute(query as string, options as never)).rejects.toThrow(message);
      await expect(engine.execute(query as string, options as never)).rejects.toBeInstanceOf(ValidationError);
      expect(calls).toEqual([]);
      expect(engine.getStats()).toMatchObject({ totalExecutions: 2, successfulExecutions: 0, cacheHits: 0 });
    },
  );

  it('rejects an oversized query and context as PAYLOAD_TOO_LARGE', async () => {
    const { engine, calls } = await createSpiedEngine();
    const long = `recall ${'x'.repeat(REQUEST_LIMITS.maxQueryLength)}`;
    await expect(engine.execute(long)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(engine.execute(long)).rejects.toThrow(/over the limit of 2000/);
    const big = { blob: 'y'.repeat(REQUEST_LIMITS.maxContextBytes) };
    await expect(engine.execute('store note: x', { context: big })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(calls).toEqual([]);
  });

  it('accepts a query exactly at the length limit', async () => {
    const { engine } = await createSpiedEngine();
    const query = `recall ${'x'.repeat(REQUEST_LIMITS.maxQueryLength - 7)}`;
    expect(query.length).toBe(REQUEST_LIMITS.maxQueryLength);
    await expect(engine.execute(query)).resolves.toMatchObject({ success: true });
  });
});
