import { beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../embeddings/hashing-embedder.js';
import type { MemoryStore, NewMemory, Scope } from '../memory/store.js';
import { eachTestStore } from './each-test-store.js';
import type { StoreUnderTest } from './subjects.js';

const DAY = 86_400_000;

/**
 * What every MemoryStore must do for the agent commands: created-time windows, owner-only
 * reads, counts and tag counts, and changes that keep their history (update with content,
 * delete many, tag rename, restore, pruning). Registered by memoryStoreSuite.
 */
export function memoryStoreChangesSuite(backend: string, create: () => Promise<StoreUnderTest>): void {
  describe(`MemoryStore contract, windows and changes: ${backend}`, () => {
    const embedder = new HashingEmbedder();
    let subject: StoreUnderTest;
    let store: MemoryStore;
    let ns: string;
    const alice = (): Scope => ({ namespace: ns, agentId: 'alice' });
    const bob = (): Scope => ({ namespace: ns, agentId: 'bob' });
    const put = async (scope: Scope, memory: NewMemory) =>
      (await store.store(scope, memory, embedder.embedSync(memory.content))).memory;
    const ids = (memories: ReadonlyArray<{ id: string }>) => memories.map((m) => m.id);

    eachTestStore(create, (opened, namespace) => {
      subject = opened;
      store = opened.store;
      ns = namespace;
    });

    describe('created-time windows, order and owner', () => {
      let old: { id: string; createdAt: string };
      let middle: { id: string; createdAt: string };
      let fresh: { id: string; createdAt: string };
      let bobs: { id: string };

      beforeEach(async () => {
        const now = Date.now();
        old = await put(alice(), {
          content: 'deploy froze on the old cluster',
          tags: ['deploy'],
          createdAt: now - 20 * DAY,
        });
        middle = await put(alice(), {
          content: 'deploy pipeline got faster',
          tags: ['deploy', 'perf'],
          createdAt: now - 2 * DAY,
        });
        fresh = await put(alice(), {
          content: 'deploy window moved to mornings',
          tags: ['deploy'],
          createdAt: now - DAY,
        });
        bobs = await put(bob(), {
          content: 'team note: deploy freeze on Fridays',
          tags: ['deploy'],
          accessLevel: 'team',
        });
        await put(bob(), { content: 'private deploy thoughts of bob', tags: ['secret'] });
      });

      it('keeps full-text results inside the window, from inclusive and until exclusive', async () => {
        const window = { createdAfter: Date.parse(middle.createdAt), createdBefore: Date.parse(fresh.createdAt) };
        expect(ids(await store.search(alice(), { text: 'deploy', limit: 10, ...window }))).toEqual([middle.id]);
        const listed = await store.search(alice(), { limit: 10, orderBy: 'recent', ...window });
        expect(ids(listed)).toEqual([middle.id]);
        const tagged = await store.search(alice(), {
          tags: ['deploy'],
          limit: 10,
          createdBefore: Date.parse(middle.createdAt),
        });
        expect(ids(tagged)).toEqual([old.id]);
      });

      it('keeps vector neighbours inside the window', async () => {
        const found = await store.nearest(alice(), {
          embedding: embedder.embedSync('deploy'),
          limit: 10,
          createdAfter: Date.parse(middle.createdAt),
          createdBefore: Date.parse(fresh.createdAt) + 1,
        });
        expect(ids(found).sort()).toEqual([middle.id, fresh.id].sort());
      });

      it('orders by age either way, with and without text', async () => {
        expect(
          ids(await store.search(alice(), { text: 'deploy', limit: 2, orderBy: 'oldest', ownOnly: true })),
        ).toEqual([old.id, middle.id]);
        expect(ids(await store.search(alice(), { limit: 2, orderBy: 'recent', ownOnly: true }))).toEqual([
          fresh.id,
          middle.id,
        ]);
        expect(ids(await store.search(alice(), { limit: 1, orderBy: 'oldest' }))).toEqual([old.id]);
      });

      it("reads only the agent's own memories when asked, never another agent's team ones", async () => {
        const everyone = await store.search(alice(), { text: 'deploy', limit: 10 });
        expect(ids(everyone)).toContain(bobs.id);
        const own = await store.search(alice(), { text: 'deploy', limit: 10, ownOnly: true });
        expect(ids(own).sort()).toEqual([old.id, middle.id, fresh.id].sort());
      });

      it('counts what the scope may see, by text, tag, window and owner', async () => {
        expect(await store.count(alice())).toBe(4);
        expect(await store.count(alice(), { text: 'deploy' })).toBe(4);
        expect(await store.count(alice(), { text: 'pipeline faster' })).toBe(1);
        expect(await store.count(alice(), { tags: ['perf'] })).toBe(1);
        expect(await store.count(alice(), { tags: ['deploy'], ownOnly: true })).toBe(3);
        expect(await store.count(alice(), { createdAfter: Date.parse(middle.createdAt), ownOnly: true })).toBe(2);
        expect(await store.count(bob(), { text: 'deploy' })).toBe(2);
        expect(await store.count(alice(), { text: 'nothing matches this' })).toBe(0);
      });

      it('counts the tags of what the scope may see, most used first', async () => {
        expect(await store.tagCounts(alice(), {}, 10)).toEqual([
          { tag: 'deploy', count: 4 },
          { tag: 'perf', count: 1 },
        ]);
        expect(await store.tagCounts(bob(), { ownOnly: true }, 10)).toEqual([
          { tag: 'deploy', count: 1 },
          { tag: 'secret', count: 1 },
        ]);
        expect(await store.tagCounts(alice(), { createdBefore: Date.parse(middle.createdAt) }, 1)).toEqual([
          { tag: 'deploy', count: 1 },
        ]);
      });
    });

    describe('changes and their history', () => {
      it('changes content in place: the new words are found, the old ones not, and the old state is kept', async () => {
        const memory = await put(alice(), { content: 'we picked Argo CD for gitops', tags: ['gitops'] });
        subject.advance(1000);
        const updated = await store.update(alice(), memory.id, { content: 'we picked Flux for gitops' });
        expect(updated).toMatchObject({ id: memory.id, content: 'we picked Flux for gitops', tags: ['gitops'] });
        expect(updated!.createdAt).toBe(memory.createdAt);
        expect(updated!.contentHash).not.toBe(memory.contentHash);
        expect(ids(await store.search(alice(), { text: 'flux', limit: 5 }))).toEqual([memory.id]);
        expect(await store.search(alice(), { text: 'argo', limit: 5 })).toEqual([]);
        // The new content waits for its vector.
        expect((await store.pendingEmbeddings(ns, 10)).map((p) => p.content)).toEqual(['we picked Flux for gitops']);
        const [version] = await store.history(alice(), memory.id);
        expect(version).toMatchObject({ version: 1, change: 'update', changedBy: 'alice' });
        expect(version!.memory.content).toBe('we picked Argo CD for gitops');
      });

      it('refuses content the agent already holds in another memory, and changes nothing', async () => {
        await put(alice(), { content: 'use pgbouncer' });
        const other = await put(alice(), { content: 'use pgpool' });
        await expect(store.update(alice(), other.id, { content: ' use pgbouncer ' })).rejects.toMatchObject({
          code: 'MEMORY_CONFLICT',
        });
        expect((await store.get(alice(), other.id))!.content).toBe('use pgpool');
        expect(await store.history(alice(), other.id)).toEqual([]);
      });

      it('deletes many of the own memories at once, keeping each, and never touches others', async () => {
        const a = await put(alice(), { content: 'perf note one', tags: ['perf'] });
        const b = await put(alice(), { content: 'perf note two', tags: ['perf'] });
        const team = await put(bob(), { content: 'perf note of the team', tags: ['perf'], accessLevel: 'team' });
        const deleted = await store.deleteMany(alice(), [a.id, b.id, team.id, 'not-an-id']);
        expect(ids(deleted).sort()).toEqual([a.id, b.id].sort());
        expect(await store.get(alice(), a.id)).toBeNull();
        expect(await store.get(alice(), team.id)).not.toBeNull();
        expect((await store.history(alice(), a.id))[0]).toMatchObject({ change: 'delete', version: 1 });
        expect(await store.delete(alice(), a.id)).toBe(false);
      });

      it("renames a tag on the agent's own memories only", async () => {
        const mine = await put(alice(), { content: 'latency budget', tags: ['perf', 'api'] });
        const theirs = await put(bob(), { content: 'team latency', tags: ['perf'], accessLevel: 'team' });
        const renamed = await store.renameTag(alice(), 'PERF', 'performance');
        expect(ids(renamed)).toEqual([mine.id]);
        expect(renamed[0]!.tags.sort()).toEqual(['api', 'performance']);
        expect((await store.get(alice(), theirs.id))!.tags).toEqual(['perf']);
        expect(ids(await store.search(alice(), { tags: ['performance'], limit: 5 }))).toEqual([mine.id]);
        expect((await store.history(alice(), mine.id))[0]!.memory.tags.sort()).toEqual(['api', 'perf']);
        expect(await store.renameTag(alice(), 'perf', 'perf')).toEqual([]);
      });

      it('restores a deleted memory under its id, found again by full text and by vectors', async () => {
        const memory = await put(alice(), {
          content: 'stale CRD left by the operator upgrade',
          tags: ['k8s'],
          importance: 0.7,
        });
        await store.delete(alice(), memory.id);
        expect(await store.restore(bob(), memory.id)).toBeNull();
        const restored = await store.restore(alice(), memory.id);
        expect(restored).toMatchObject({ id: memory.id, content: memory.content, tags: ['k8s'], importance: 0.7 });
        expect(restored!.createdAt).toBe(memory.createdAt);
        expect(ids(await store.search(alice(), { text: 'stale crd', limit: 5 }))).toEqual([memory.id]);
        const pending = await store.pendingEmbeddings(ns, 10);
        expect(pending.map((p) => p.id)).toEqual([memory.id]);
        await store.setEmbeddings(pending.map((p) => ({ id: p.id, embedding: embedder.embedSync(p.content) })));
        const near = await store.nearest(alice(), { embedding: embedder.embedSync('stale CRD operator'), limit: 1 });
        expect(ids(near)).toEqual([memory.id]);
      });

      it('restores an earlier version of a changed memory, keeping the current one in turn', async () => {
        const memory = await put(alice(), { content: 'first wording', importance: 0.2 });
        await store.update(alice(), memory.id, { content: 'second wording', importance: 0.9 });
        await store.update(alice(), memory.id, { tags: ['x'] });
        const history = await store.history(alice(), memory.id);
        expect(history.map((v) => v.version)).toEqual([2, 1]);
        const restored = await store.restore(alice(), memory.id, 1);
        expect(restored).toMatchObject({ content: 'first wording', importance: 0.2, tags: [] });
        const after = await store.history(alice(), memory.id);
        expect(after[0]).toMatchObject({ version: 3, change: 'restore' });
        expect(after[0]!.memory).toMatchObject({ content: 'second wording', tags: ['x'] });
        expect(await store.restore(alice(), memory.id, 99)).toBeNull();
        expect(await store.history(bob(), memory.id)).toEqual([]);
      });

      it('refuses to restore a deleted memory whose content the agent has stored again', async () => {
        const memory = await put(alice(), { content: 'rotate the keys' });
        await store.delete(alice(), memory.id);
        const again = await put(alice(), { content: 'rotate the keys' });
        await expect(store.restore(alice(), memory.id)).rejects.toMatchObject({
          code: 'MEMORY_CONFLICT',
          details: { id: again.id },
        });
      });

      it('keeps a version on a merge into identical content, and forgets versions older than the retention', async () => {
        const memory = await put(alice(), { content: 'cache tokens', tags: ['auth'] });
        await put(alice(), { content: 'cache tokens', tags: ['perf'] });
        expect((await store.history(alice(), memory.id))[0]!.memory.tags).toEqual(['auth']);
        subject.advance(DAY);
        await store.update(alice(), memory.id, { importance: 1 });
        const pruned = await store.pruneHistory(Date.now() + DAY / 2);
        expect(pruned).toBe(1);
        expect((await store.history(alice(), memory.id)).map((v) => v.version)).toEqual([2]);
      });
    });
  });
}
