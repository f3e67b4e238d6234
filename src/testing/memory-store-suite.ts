import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../embeddings/hashing-embedder.js';
import type { ImportedMemory, MemoryStore, NewMemory, Scope } from '../memory/store.js';
import { memoryStoreChangesSuite } from './memory-store-changes-suite.js';
import { memoryStoreReadsSuite } from './memory-store-reads-suite.js';
import { eachTestStore } from './each-test-store.js';
import type { StoreUnderTest } from './subjects.js';

export interface MemoryStoreSuiteOptions {
  /** Named in the suites' titles: 'sqlite', 'postgres', … */
  name: string;
  /** A store for one test: empty, or kept apart by the suite's unique namespace per test. */
  open: () => Promise<StoreUnderTest>;
}

/**
 * Registers, with the caller's vitest, the behaviour every MemoryStore must share (writes,
 * access, visibility, reads, expiry, import and export, windows and changes). Call it at the
 * top level of a spec file, or in a describe().
 */
export function memoryStoreSuite({ name: backend, open: create }: MemoryStoreSuiteOptions): void {
  memoryStoreChangesSuite(backend, create);
  memoryStoreReadsSuite(backend, create);
  describe(`MemoryStore contract: ${backend}`, () => {
    const embedder = new HashingEmbedder();
    let subject: StoreUnderTest;
    let store: MemoryStore;
    let ns: string;
    const alice = (): Scope => ({ namespace: ns, agentId: 'alice' });
    const bob = (): Scope => ({ namespace: ns, agentId: 'bob' });
    const put = (scope: Scope, memory: NewMemory) => store.store(scope, memory, embedder.embedSync(memory.content));

    eachTestStore(create, (opened, namespace) => {
      subject = opened;
      store = opened.store;
      ns = namespace;
    });

    describe('store', () => {
      it('stores with defaults and returns the memory', async () => {
        const { memory, created } = await put(alice(), { content: '  use pgbouncer for pooling  ' });
        expect(created).toBe(true);
        expect(memory).toMatchObject({
          namespace: ns,
          agentId: 'alice',
          content: 'use pgbouncer for pooling',
          tags: [],
          metadata: {},
          importance: 0.5,
          accessLevel: 'private',
          sharedWith: [],
          accessCount: 0,
          accessedAt: null,
          expiresAt: null,
        });
        expect(memory.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(memory.contentHash).toMatch(/^[0-9a-f]{64}$/);
        expect(Date.parse(memory.createdAt)).not.toBeNaN();
      });

      it('updates instead of duplicating when the same agent stores the same content', async () => {
        const first = await put(alice(), {
          content: 'cache tokens',
          tags: ['Auth'],
          metadata: { a: 1 },
          importance: 0.2,
        });
        subject.advance(1000);
        const second = await put(alice(), {
          content: 'cache tokens',
          tags: ['perf'],
          metadata: { b: 2 },
          importance: 0.9,
        });
        expect(second.created).toBe(false);
        expect(second.memory.id).toBe(first.memory.id);
        expect(second.memory.tags.sort()).toEqual(['auth', 'perf']);
        expect(second.memory.metadata).toEqual({ a: 1, b: 2 });
        expect(second.memory.importance).toBe(0.9);
        expect(Date.parse(second.memory.updatedAt)).toBeGreaterThan(Date.parse(first.memory.updatedAt));
        expect(await store.count(alice())).toBe(1);
      });

      it('keeps one memory when the same content is stored concurrently', async () => {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => put(alice(), { content: 'raced fact', tags: [`t${i}`] })),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.memory.id)).size).toBe(1);
        const [memory] = await store.search(alice(), { text: 'raced', limit: 5 });
        expect(memory!.tags.sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']);
      });

      it("keeps another agent's identical content separate", async () => {
        await put(alice(), { content: 'same words' });
        const { created } = await put(bob(), { content: 'same words' });
        expect(created).toBe(true);
        expect(await store.count({ ...alice(), admin: true })).toBe(2);
      });
    });

    describe('changing access', () => {
      const carol = (): Scope => ({ namespace: ns, agentId: 'carol' });
      const sharedWithBob = { content: 'shared runbook', accessLevel: 'shared' as const, sharedWith: ['bob'] };

      it('replaces sharing on a re-store: an empty list or private narrows it', async () => {
        const { memory } = await put(alice(), sharedWithBob);
        expect(await store.get(bob(), memory.id)).not.toBeNull();

        const emptied = await put(alice(), { content: 'shared runbook', sharedWith: [] });
        expect(emptied.memory).toMatchObject({ id: memory.id, accessLevel: 'shared', sharedWith: [] });
        expect(await store.get(bob(), memory.id)).toBeNull();

        await put(alice(), sharedWithBob);
        const privatised = await put(alice(), { content: 'shared runbook', accessLevel: 'private' });
        expect(privatised.memory).toMatchObject({ accessLevel: 'private', sharedWith: [] });
        expect(await store.get(bob(), memory.id)).toBeNull();
        expect(await store.get(alice(), memory.id)).not.toBeNull();
      });

      it('keeps sharing a re-store does not mention, and replaces a list it gives', async () => {
        const { memory } = await put(alice(), { ...sharedWithBob, tags: ['ops'] });
        const retagged = await put(alice(), { content: 'shared runbook', tags: ['runbook'] });
        expect(retagged.memory).toMatchObject({ accessLevel: 'shared', sharedWith: ['bob'] });
        expect(retagged.memory.tags.sort()).toEqual(['ops', 'runbook']);

        await put(alice(), { content: 'shared runbook', sharedWith: ['carol'] });
        expect(await store.get(bob(), memory.id)).toBeNull();
        expect(await store.get(carol(), memory.id)).not.toBeNull();
      });

      it('updates a memory in place: given fields replace, the rest stays', async () => {
        const { memory } = await put(alice(), { ...sharedWithBob, tags: ['ops'], metadata: { a: 1 }, importance: 0.3 });
        subject.advance(1000);
        const updated = await store.update(alice(), memory.id, { accessLevel: 'team', tags: ['Runbook'] });
        expect(updated).toMatchObject({
          id: memory.id,
          content: 'shared runbook',
          accessLevel: 'team',
          sharedWith: [],
          tags: ['runbook'],
          metadata: { a: 1 },
          importance: 0.3,
          createdAt: memory.createdAt,
        });
        expect(Date.parse(updated!.updatedAt)).toBeGreaterThan(Date.parse(memory.updatedAt));
        expect(await store.get(carol(), memory.id)).not.toBeNull();
        expect((await store.search(alice(), { tags: ['runbook'], limit: 5 })).map((m) => m.id)).toEqual([memory.id]);
        expect(await store.search(alice(), { tags: ['ops'], limit: 5 })).toEqual([]);

        const narrowed = await store.update(alice(), memory.id, { accessLevel: 'private', metadata: {} });
        expect(narrowed).toMatchObject({ accessLevel: 'private', metadata: {} });
        expect(await store.get(carol(), memory.id)).toBeNull();
      });

      it('lets only the owner update, and not an expired memory', async () => {
        const probe = await put(alice(), { content: 'clock probe' });
        const { memory } = await put(alice(), { ...sharedWithBob, expiresAt: nowOf(probe) + 60_000 });
        expect(await store.update(bob(), memory.id, { accessLevel: 'public' })).toBeNull();
        expect(await store.update({ namespace: `${ns}-other`, agentId: 'alice' }, memory.id, {})).toBeNull();
        expect(await store.update(alice(), 'no-such-id', { importance: 1 })).toBeNull();
        expect((await store.get(bob(), memory.id))?.accessLevel).toBe('shared');
        subject.advance(120_000);
        expect(await store.update(alice(), memory.id, { expiresAt: null })).toBeNull();
      });
    });

    describe('visibility', () => {
      it('shows private memories to their agent only', async () => {
        const { memory } = await put(alice(), { content: 'alice secret plan' });
        expect(await store.get(alice(), memory.id)).not.toBeNull();
        expect(await store.get(bob(), memory.id)).toBeNull();
        expect(await store.search(bob(), { text: 'secret plan', limit: 10 })).toEqual([]);
        expect(await store.nearest(bob(), { embedding: embedder.embedSync('alice secret plan'), limit: 10 })).toEqual(
          [],
        );
        expect(await store.count(bob())).toBe(0);
      });

      it('shows team and public memories to every agent of the namespace', async () => {
        await put(alice(), { content: 'team runbook', accessLevel: 'team' });
        await put(alice(), { content: 'public runbook', accessLevel: 'public' });
        const found = await store.search(bob(), { text: 'runbook', limit: 10 });
        expect(found.map((m) => m.content).sort()).toEqual(['public runbook', 'team runbook']);
      });

      it('shows shared memories to the listed agents only', async () => {
        const { memory } = await put(alice(), { content: 'shared notes', accessLevel: 'shared', sharedWith: ['bob'] });
        expect(await store.get(bob(), memory.id)).not.toBeNull();
        expect(await store.get({ namespace: ns, agentId: 'carol' }, memory.id)).toBeNull();
      });

      it('never shows anything outside its namespace, even public memories', async () => {
        const { memory } = await put(alice(), { content: 'public but namespaced', accessLevel: 'public' });
        const other: Scope = { namespace: `${ns}-other`, agentId: 'alice' };
        expect(await store.get(other, memory.id)).toBeNull();
        expect(await store.search(other, { text: 'namespaced', limit: 10 })).toEqual([]);
        expect(
          await store.nearest(other, { embedding: embedder.embedSync('public but namespaced'), limit: 5 }),
        ).toEqual([]);
        expect(await store.count({ ...other, admin: true })).toBe(0);
      });

      it('lets an admin scope see every memory of the namespace', async () => {
        await put(alice(), { content: 'private one' });
        await put(bob(), { content: 'private two' });
        expect(await store.count({ namespace: ns, agentId: 'root', admin: true })).toBe(2);
      });
    });

    describe('delete', () => {
      it('lets only the owner (or an admin) delete', async () => {
        const { memory } = await put(alice(), { content: 'team fact', accessLevel: 'team' });
        expect(await store.delete(bob(), memory.id)).toBe(false);
        expect(await store.get(bob(), memory.id)).not.toBeNull();
        expect(await store.delete(alice(), memory.id)).toBe(true);
        expect(await store.get(alice(), memory.id)).toBeNull();
        expect(await store.nearest(alice(), { embedding: embedder.embedSync('team fact'), limit: 5 })).toEqual([]);
        expect(await store.delete(alice(), memory.id)).toBe(false);
      });

      it('lets an admin scope delete any memory of its namespace only', async () => {
        const { memory } = await put(alice(), { content: 'x marks' });
        expect(await store.delete({ namespace: `${ns}-x`, agentId: 'root', admin: true }, memory.id)).toBe(false);
        expect(await store.delete({ namespace: ns, agentId: 'root', admin: true }, memory.id)).toBe(true);
      });
    });

    describe('import and export', () => {
      const imported = (n: number, extra: Partial<ImportedMemory> = {}): ImportedMemory[] =>
        Array.from({ length: n }, (_, i) => ({
          namespace: ns,
          agentId: 'alice',
          content: `imported fact ${i}`,
          ...extra,
        }));

      it('imports in one go and exports page by page, oldest first', async () => {
        const memories = imported(1203);
        const result = await store.importMany(
          memories,
          memories.map((m) => embedder.embedSync(m.content)),
        );
        expect(result).toEqual({ created: 1203, updated: 0 });
        const contents: string[] = [];
        for await (const memory of store.exportAll(ns)) contents.push(memory.content);
        expect(contents).toHaveLength(1203);
        expect(contents[0]).toBe('imported fact 0');
        expect(contents[1202]).toBe('imported fact 1202');
      });

      it('merges repeated content inside one import and reports progress', async () => {
        const memories = [
          ...imported(2),
          { namespace: ns, agentId: 'alice', content: 'imported fact 0', tags: ['again'] },
        ];
        const progress: number[] = [];
        const result = await store.importMany(
          memories,
          memories.map((m) => embedder.embedSync(m.content)),
          (done) => progress.push(done),
        );
        expect(result).toEqual({ created: 2, updated: 1 });
        expect(progress.at(-1)).toBe(3);
        const [memory] = await store.search(alice(), { tags: ['again'], limit: 5 });
        expect(memory!.content).toBe('imported fact 0');
      });

      it('writes nothing when one record is bad', async () => {
        const memories = [...imported(3), { namespace: ns, agentId: 'alice', content: 'bad', importance: 7 }];
        await expect(
          store.importMany(
            memories,
            memories.map((m) => embedder.embedSync(m.content)),
          ),
        ).rejects.toThrow();
        expect(await store.count({ ...alice(), admin: true })).toBe(0);
      });

      it('keeps the original creation time of imported memories', async () => {
        const createdAt = Date.parse('2024-05-01T10:00:00Z');
        const memories = imported(1, { createdAt });
        await store.importMany(
          memories,
          memories.map((m) => embedder.embedSync(m.content)),
        );
        const [memory] = await store.search(alice(), { limit: 1 });
        expect(memory!.createdAt).toBe('2024-05-01T10:00:00.000Z');
      });
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

/** The store's notion of now, read off a memory it just wrote. */
function nowOf(result: { memory: { createdAt: string } }): number {
  return Date.parse(result.memory.createdAt);
}
