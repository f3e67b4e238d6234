import dns from 'node:dns';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionMode, LocalEmbedder, type PatternExecutionEngine } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';

// Every test that loads the sentence encoder lives in this file: the model loads once per
// process (~1 s, ~200 MB), so grouping keeps the suite's cost to one load.
const embedder = new LocalEmbedder();
const scope = { namespace: 'team', agentId: 'alice' };

describe('LocalEmbedder (USE lite, shipped weights)', () => {
  const attempts: string[] = [];
  const restore: Array<() => void> = [];

  beforeAll(() => {
    // Any network access during load and embed throws, and is recorded: sockets (http, https,
    // node-fetch), DNS and fetch.
    const block = <T extends object, K extends keyof T>(target: T, key: K, name: string) => {
      const original = target[key];
      (target as Record<K, unknown>)[key] = (...args: unknown[]) => {
        attempts.push(`${name} ${String(args[0]).slice(0, 80)}`);
        throw new Error(`network access blocked by the test: ${name}`);
      };
      restore.push(() => void ((target as Record<K, unknown>)[key] = original));
    };
    block(net.Socket.prototype, 'connect', 'socket.connect');
    block(dns, 'lookup', 'dns.lookup');
    block(globalThis, 'fetch', 'fetch');
  });
  afterAll(() => {
    for (const undo of restore.reverse()) undo();
  });

  it('loads and embeds with no network access at all', async () => {
    expect(() => net.connect(80, '127.0.0.1')).toThrow(/blocked/); // the block itself works
    attempts.length = 0;
    expect(embedder.loaded).toBe(false);
    const [a, b, c] = await embedder.embedBatch([
      'k8s cluster autoscaler misconfigured, pods evicted at night',
      'kubernetes nodes were removed and workloads were rescheduled',
      'Alice prefers tabs over spaces',
    ]);
    expect(attempts).toEqual([]);
    expect(embedder.loaded).toBe(true);
    expect(a).toHaveLength(512);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 4);
    const cos = (x: Float32Array, y: Float32Array) => x.reduce((sum, v, i) => sum + v * y[i]!, 0);
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
  });

  describe('in the engine', () => {
    let engine: PatternExecutionEngine;
    const store = (content: string, tags: string[] = []) =>
      engine.execute(`store ${content}`, { context: { ...scope, tags, accessLevel: 'team' } });

    beforeEach(async () => {
      engine = await createTestEngine({ embedder });
    });

    it('finds a memory by meaning right after writing it (read-your-writes, vectors behind the write)', async () => {
      await store('k8s cluster autoscaler misconfigured, pods evicted at night', ['incident']);
      await store('login latency went up 40% after the ORM upgrade', ['incident']);
      await store('Alice prefers tabs over spaces', ['preference']);
      const result = await engine.execute('search for kubernetes problems', { context: scope });
      const memories = result.result!['memories'] as Array<{ content: string; semanticRank: number | null }>;
      expect(memories[0]!.content).toMatch(/k8s cluster autoscaler/);
      expect(memories[0]!.semanticRank).not.toBeNull();
      const slower = await engine.execute('search for why sign-in got slower', { context: scope });
      expect((slower.result!['memories'] as Array<{ content: string }>)[0]!.content).toMatch(/login latency/);
    });

    it('answers a question without a command verb, and never writes for it', async () => {
      await store('money amounts are kept as integer cents, never floating point', ['decision']);
      const before = await engine.store.count({ ...scope, admin: true });
      const answer = await engine.execute('how do we represent currency values?', { context: scope });
      expect(answer.patternName).toBe('semantic_search');
      expect((answer.result!['memories'] as Array<{ content: string }>)[0]!.content).toMatch(/integer cents/);
      await expect(engine.execute('the weather is nice today', { context: scope })).rejects.toMatchObject({
        code: 'PATTERN_NOT_FOUND',
      });
      await expect(engine.execute('how are you?', { context: scope })).rejects.toMatchObject({
        code: 'PATTERN_NOT_FOUND',
      });
      expect(await engine.store.count({ ...scope, admin: true })).toBe(before);
    });

    it('recalls by its words when full text finds them, and joins vectors for a paraphrase', async () => {
      await store('k8s cluster autoscaler misconfigured, pods evicted at night', ['incident']);
      await store('Alice prefers tabs over spaces', ['preference']);
      const worded = await engine.execute('recall autoscaler evicted pods', { context: scope });
      expect(worded.result).toMatchObject({ searchMode: 'lexical', count: 1 });
      const paraphrased = await engine.execute('recall kubernetes nodes removing workloads overnight', {
        context: scope,
      });
      expect(paraphrased.result!['searchMode']).toBe('hybrid');
      const first = (paraphrased.result!['memories'] as Array<{ content: string; semanticRank: number | null }>)[0]!;
      expect(first.content).toMatch(/k8s cluster autoscaler/);
      expect(first.semanticRank).toBe(1);
    });

    it('keeps private memories private on the semantic path', async () => {
      await engine.execute('store bob private note: the k8s admin password is in the vault', {
        context: { namespace: 'team', agentId: 'bob' },
      });
      const result = await engine.execute('search for kubernetes credentials', { context: scope });
      const contents = (result.result!['memories'] as Array<{ content: string }>).map((m) => m.content);
      expect(contents.join('\n')).not.toMatch(/vault/);
    });

    it('finds similar optimization cases that share little vocabulary (the Artemis workflow)', async () => {
      const context = { namespace: 'artemis', agentId: 'artemis' };
      for (const content of [
        'Cached token lookups in Redis: the auth service answers 3x faster',
        'Connection pooling with pgbouncer cut database CPU by half',
        'Team offsite is planned for June',
      ]) {
        await engine.execute(`store ${content}`, { context });
      }
      const similar = await engine.execute('find similar optimization cases', {
        executionMode: ExecutionMode.HYBRID,
        context,
      });
      const contents = (similar.result!['memories'] as Array<{ content: string }>).map((m) => m.content);
      expect(contents.slice(0, 2).sort()).toEqual([
        'Cached token lookups in Redis: the auth service answers 3x faster',
        'Connection pooling with pgbouncer cut database CPU by half',
      ]);
    });
  });
});
