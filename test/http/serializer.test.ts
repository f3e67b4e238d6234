import { describe, expect, it } from 'vitest';
import { memoryListSchema, statsSchema } from '../../src/gateway/wire-schemas.js';
import { compileResponseSerializer } from '../../src/http/serializer.js';

const memory = {
  id: 'm1',
  namespace: 'lab',
  agent_id: 'ann',
  content: 'use pgbouncer',
  tags: ['db'],
  metadata: { nested: { keys: 'as written' } },
  importance: 0.5,
  access_level: 'private',
  shared_with: [],
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  accessed_at: null,
  access_count: 0,
  expires_at: null,
  content_hash: 'h',
  score: 1.5,
  lexical_rank: 1,
};

describe('response serializers compiled from the wire schemas', () => {
  it('write what JSON.stringify would for a declared shape, and leave out undeclared fields', () => {
    const serialize = compileResponseSerializer({ schema: memoryListSchema });
    const list = { count: 1, memories: [memory] };
    expect(JSON.parse(serialize(list))).toEqual(list);
    expect(JSON.parse(serialize({ count: 1, memories: [{ ...memory, internal: 'secret' }] }))).toEqual(list);
  });

  it('keep the fields of loose objects', () => {
    const serialize = compileResponseSerializer({ schema: statsSchema.pick({ namespace: true }).loose() });
    expect(JSON.parse(serialize({ namespace: 'lab', extra: { a: 1 } }))).toEqual({ namespace: 'lab', extra: { a: 1 } });
  });

  it('refuse a schema that is not zod', () => {
    expect(() => compileResponseSerializer({ schema: { type: 'object' } })).toThrow(/zod/);
  });
});
