import { beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../embeddings/hashing-embedder.js';
import type { MemoryStore, NewMemory, Scope } from '../memory/store.js';
import { eachTestStore } from './each-test-store.js';
import type { StoreUnderTest } from './subjects.js';

/** Full-text search, vector neighbours and expiry, as every MemoryStore must do them. Registered by memoryStoreSuite. */
export function memoryStoreReadsSuite(backend: string, create: () => Promise<StoreUnderTest>): void {
  describe(`MemoryStore contract, reads: ${backend}`, () => {
    const embedder = new HashingEmbedder();
    let subject: StoreUnderTest;
    let store: MemoryStore;
    let ns: string;
    const alice = (): Scope => ({ namespace: ns, agentId: 'alice' });
    const put = (scope: Scope, memory: NewMemory) => store.store(scope, memory, embedder.embedSync(memory.content));

    eachTestStore(create, (opened, namespace) => {
      subject = opened;
      store = opened.store;
      ns = namespace;
    });

    describe('search', () => {
      beforeEach(async () => {
        await put(alice(), {
          content: 'Connection pooling with pgbouncer cut latency',
          tags: ['database', 'performance'],
          importance: 0.9,
        });
        await put(alice(), { content: 'Rotate API keys every 90 days', tags: ['security'], importance: 0.8 });
        await put(alice(), {
          content: 'Security patterns: validate input at the edge',
          tags: ['security'],
          importance: 0.6,
        });
        await put(alice(), { content: 'Cache invalidation on writes', tags: ['performance'], importance: 0.3 });
      });

      it('ranks full-text matches, matching word forms', async () => {
        const found = await store.search(alice(), { text: 'security pattern', limit: 10 });
        expect(found[0]!.content).toBe('Security patterns: validate input at the edge');
        expect(found.map((m) => m.content)).toContain('Rotate API keys every 90 days'); // tagged security
        for (const memory of found) expect(memory.score).toBeGreaterThan(0);
      });

      it('takes query text literally, whatever FTS syntax it contains', async () => {
        for (const text of [
          '"unbalanced',
          'security AND NOT',
          'NEAR(a b)',
          '*',
          'col:security',
          "'; DROP TABLE memories; --",
        ]) {
          await expect(store.search(alice(), { text, limit: 5 })).resolves.toBeInstanceOf(Array);
        }
        expect(await store.count(alice())).toBe(4);
      });

      it('lists by importance when the text has no topic words', async () => {
        const found = await store.search(alice(), { text: 'all memories', limit: 2 });
        expect(found.map((m) => m.importance)).toEqual([0.9, 0.8]);
      });

      it('filters by every given tag, case-insensitively', async () => {
        const found = await store.search(alice(), { tags: ['PERFORMANCE'], limit: 10, orderBy: 'importance' });
        expect(found.map((m) => m.importance)).toEqual([0.9, 0.3]);
        const both = await store.search(alice(), { tags: ['performance', 'database'], limit: 10 });
        expect(both).toHaveLength(1);
      });

      it('filters by importance, most important first', async () => {
        const found = await store.search(alice(), { minImportance: 0.75, limit: 10, orderBy: 'importance' });
        expect(found.map((m) => m.importance)).toEqual([0.9, 0.8]);
      });

      it('filters by creation time and orders by recency', async () => {
        subject.advance(60_000);
        const { memory: late } = await put(alice(), { content: 'security review done' });
        const found = await store.search(alice(), {
          text: 'security',
          createdAfter: Date.parse(late.createdAt),
          orderBy: 'recent',
          limit: 10,
        });
        expect(found.map((m) => m.id)).toEqual([late.id]);
      });

      it('counts each read', async () => {
        const [first] = await store.search(alice(), { text: 'pgbouncer', limit: 1 });
        expect(first!.accessCount).toBe(1);
        const again = await store.get(alice(), first!.id);
        expect(again!.accessCount).toBe(2);
        expect(again!.accessedAt).not.toBeNull();
      });
    });

    describe('nearest', () => {
      it('returns vector neighbours by cosine similarity', async () => {
        await put(alice(), { content: 'connection pooling for postgres' });
        await put(alice(), { content: 'rotate credentials quarterly' });
        const found = await store.nearest(alice(), { embedding: embedder.embedSync('pooling connections'), limit: 2 });
        expect(found[0]!.content).toBe('connection pooling for postgres');
        expect(found[0]!.score).toBeGreaterThan(found[1]!.score);
        expect(found[0]!.score).toBeLessThanOrEqual(1);
      });

      it('respects an importance floor', async () => {
        await put(alice(), { content: 'pooling low', importance: 0.1 });
        await put(alice(), { content: 'pooling high', importance: 0.9 });
        const found = await store.nearest(alice(), {
          embedding: embedder.embedSync('pooling'),
          limit: 5,
          minImportance: 0.5,
        });
        expect(found.map((m) => m.content)).toEqual(['pooling high']);
      });

      it('keeps to a created-time window: from inclusive, to exclusive', async () => {
        const day = 86_400_000;
        const t0 = Date.parse('2026-06-01T00:00:00Z');
        for (let i = 0; i < 6; i++) await put(alice(), { content: `pooling note ${i}`, createdAt: t0 + i * day });
        const within = async (window: { createdAfter?: number; createdBefore?: number }) =>
          (await store.nearest(alice(), { embedding: embedder.embedSync('pooling note'), limit: 10, ...window }))
            .map((m) => m.content)
            .sort();
        expect(await within({ createdAfter: t0 + 2 * day, createdBefore: t0 + 4 * day })).toEqual([
          'pooling note 2',
          'pooling note 3',
        ]);
        expect(await within({ createdBefore: t0 + day })).toEqual(['pooling note 0']);
        expect(await within({ createdAfter: t0 + 5 * day })).toEqual(['pooling note 5']);
      });
    });

    describe('expiry', () => {
      it('hides expired memories everywhere and purges them', async () => {
        const probe = await put(alice(), { content: 'clock probe' });
        const { memory } = await put(alice(), { content: 'short lived fact', expiresAt: nowOf(probe) + 1000 });
        expect(await store.get(alice(), memory.id)).not.toBeNull();
        subject.advance(2000);
        expect(await store.get(alice(), memory.id)).toBeNull();
        expect(await store.search(alice(), { text: 'short lived', limit: 5 })).toEqual([]);
        expect(
          await store.nearest(alice(), { embedding: embedder.embedSync('short lived fact'), limit: 5 }),
        ).toHaveLength(1); // the probe only
        expect(await store.count(alice())).toBe(1);
        const exported = [];
        for await (const m of store.exportAll(ns)) exported.push(m.content);
        expect(exported).toEqual(['clock probe']);
        expect(await store.purgeExpired()).toBeGreaterThanOrEqual(1);
      });

      it('stores expired content anew rather than reviving it', async () => {
        const probe = await put(alice(), { content: 'probe' });
        const first = await put(alice(), { content: 'temporary', expiresAt: nowOf(probe) + 10 });
        subject.advance(100);
        const second = await put(alice(), { content: 'temporary' });
        expect(second.created).toBe(true);
        expect(second.memory.id).not.toBe(first.memory.id);
        expect(second.memory.expiresAt).toBeNull();
      });
    });
  });
}

/** The store's notion of now, read off a memory it just wrote. */
function nowOf(result: { memory: { createdAt: string } }): number {
  return Date.parse(result.memory.createdAt);
}
