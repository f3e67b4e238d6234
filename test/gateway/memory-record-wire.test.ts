import { describe, expect, it } from 'vitest';
import {
  memoryInputSchema,
  memoryRecordSchema,
  memoryUpdateSchema,
  SET_BY_STORE,
} from '../../src/memory/memory-record.js';
import { toWireMemory } from '../../src/gateway/wire.js';
import { memorySchema, storeMemoryRequestSchema, updateMemoryRequestSchema } from '../../src/gateway/wire-schemas.js';
import { camelCase, snakeCase } from '../../src/wire-names.js';

/** The wire's keys, derived from the record's by the one snake_case transform. */
const wireKeysOf = (schema: { shape: object }): string[] => Object.keys(schema.shape).map(snakeCase).sort();
const RANKING = ['score', 'lexical_rank', 'semantic_rank', 'similarity', 'exact'];

describe('the memory record is declared once', () => {
  it('gives the wire its memory, store and update schemas, key for key', () => {
    expect(Object.keys(memorySchema.shape).sort()).toEqual([...wireKeysOf(memoryRecordSchema), ...RANKING].sort());
    expect(Object.keys(storeMemoryRequestSchema.shape).sort()).toEqual(wireKeysOf(memoryInputSchema));
    expect(Object.keys(updateMemoryRequestSchema.shape).sort()).toEqual(wireKeysOf(memoryUpdateSchema));
    // Spot checks, so the derivation itself cannot be wrong in the same way on both sides.
    expect(Object.keys(memorySchema.shape)).toEqual(
      expect.arrayContaining(['agent_id', 'access_level', 'content_hash']),
    );
    expect(Object.keys(storeMemoryRequestSchema.shape)).toContain('expires_at');
  });

  it('holds the wire to the same rules as the engine', () => {
    const tooLong = 'x'.repeat(32 * 1024 + 1);
    expect(storeMemoryRequestSchema.safeParse({ content: tooLong }).success).toBe(false);
    expect(storeMemoryRequestSchema.safeParse({ content: '   ' }).success).toBe(false);
    expect(storeMemoryRequestSchema.safeParse({ content: 'x', tags: ['has space'] }).success).toBe(false);
    expect(storeMemoryRequestSchema.safeParse({ content: 'x', accessLevel: 'team' }).success).toBe(false);
    const future = Date.now() + 60_000;
    expect(storeMemoryRequestSchema.safeParse({ content: 'x', expires_at: future }).success).toBe(true);
    expect(
      storeMemoryRequestSchema.safeParse({ content: 'x', expires_at: new Date(future).toISOString() }).success,
    ).toBe(true);
  });

  it('sends every field of a stored memory under its wire name, and nothing else', () => {
    const memory = Object.fromEntries(Object.keys(memoryRecordSchema.shape).map((key) => [key, `v-${key}`]));
    const wire = toWireMemory({ ...memory, stray: 1 } as never);
    expect(Object.keys(wire).sort()).toEqual(wireKeysOf(memoryRecordSchema));
    for (const [key, value] of Object.entries(wire)) expect(value).toBe(`v-${camelCase(key)}`);
  });

  it('knows which fields the store sets itself', () => {
    expect([...SET_BY_STORE].sort()).toEqual(['accessCount', 'accessedAt', 'contentHash', 'id', 'updatedAt']);
  });
});
