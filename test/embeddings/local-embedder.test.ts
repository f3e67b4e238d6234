import dns from 'node:dns';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockNetwork } from '../../src/embeddings/block-network.js';
import { DEFAULT_MODEL_THREADS } from '../../src/embeddings/local-embedder.js';
import { toUnitLength } from '../../src/embeddings/unit-length.js';
import { loadSentenceEncoder } from '../../src/embeddings/use-lite/load-sentence-encoder.js';
import { ONNX_RUN_BATCH } from '../../src/embeddings/use-lite/onnx-sentence-encoder.js';
import { shippedModelDirectory } from '../../src/embeddings/use-lite/tfjs-model-files.js';
import { createPatternExecutionEngine, ExecutionMode, type PatternExecutionEngine } from '../../src/index.js';
import { createTestEngine, tempDir } from '../helpers/engine.js';

// The model thread is compiled JavaScript, so the embedder under test is the built one (dist/,
// built by `npm test`). Imported by a path the type checker does not follow, so `npm run typecheck`
// passes on a clean clone before any build; the types are the source's.
const BUILT_INDEX = '../../dist/index.js';
const { LocalEmbedder } = (await import(BUILT_INDEX)) as typeof import('../../src/index.js');

// Every test that loads the sentence encoder lives in this file: the model loads once per
// process (~1 s, ~200 MB), so grouping keeps the suite's cost to one load.
const embedder = new LocalEmbedder();
const scope = { namespace: 'team', agentId: 'alice' };

const cos = (x: Float32Array, y: Float32Array) => x.reduce((sum, v, i) => sum + v * y[i]!, 0);

/**
 * 500 texts of every shape the model meets: the eval's memories and queries, long ones past the
 * model's 128 tokens (three memories joined), and short, numeric, accented, CJK and emoji ones.
 */
function fiveHundredSentences(): string[] {
  const read = (file: string) => JSON.parse(readFileSync(new URL(`../../eval/${file}`, import.meta.url), 'utf8'));
  const memories = (read('memories.json') as Array<{ content: string }>).map((m) => m.content);
  const queries = (read('queries.json') as Array<{ text: string; question: string }>).flatMap((q) => [
    q.text,
    q.question,
  ]);
  const long = Array.from({ length: 100 }, (_, i) =>
    [0, 53, 107].map((k) => memories[(i + k) % memories.length]).join(' '),
  );
  const odd = ['ok', 'k8s', '42', '2026-12-06T20:00:00Z', 'café crème brûlée', '数据库连接池', 'deploy 🚀 done', 'a'];
  const shapes = Array.from({ length: 500 - memories.length - queries.length - long.length }, (_, i) =>
    i < odd.length
      ? odd[i]!
      : `${odd[i % odd.length]} ${memories[i]!.split(' ')
          .slice(0, 1 + (i % 6))
          .join(' ')}`,
  );
  return [...memories, ...queries, ...long, ...shapes];
}

/** The model's own tokenizer, as the library builds it from the shipped vocabulary. */
async function modelTokenizer() {
  const vocabulary = JSON.parse(readFileSync(join(shippedModelDirectory(), 'vocab.json'), 'utf8')) as Array<
    [string, number]
  >;
  return new EmbeddingsModel({ vocabulary, model: undefined as never }).tokenizer;
}

describe('LocalEmbedder (USE lite, shipped weights)', () => {
  // The main thread is blocked too: neither the embedder nor the engine around it may reach
  // the network from here either.
  const mainThreadAttempts: string[] = [];
  let unblock: () => void = () => undefined;
  beforeAll(() => {
    unblock = blockNetwork((what) => mainThreadAttempts.push(what));
  });
  afterAll(() => unblock());

  it("blocks sockets, DNS and fetch wherever its guard is installed (the model's thread installs it first)", () => {
    const attempts: string[] = [];
    const undo = blockNetwork((what) => attempts.push(what));
    try {
      expect(() => net.connect(80, '127.0.0.1')).toThrow(/network access is blocked/);
      expect(() => dns.lookup('example.com', () => undefined)).toThrow(/network access is blocked/);
      expect(() => fetch('http://example.com/model.json')).toThrow(/network access is blocked/);
    } finally {
      undo();
    }
    expect(attempts).toHaveLength(3);
    expect(attempts[0]).toMatch(/^socket\.connect .*"port":80/);
    expect(attempts.slice(1)).toEqual(['dns.lookup example.com', 'fetch http://example.com/model.json']);
  });

  it('loads and embeds in its own thread with no network access at all', async () => {
    mainThreadAttempts.length = 0;
    expect(embedder.loaded).toBe(false);
    const [a, b, c] = await embedder.embedBatch([
      'k8s cluster autoscaler misconfigured, pods evicted at night',
      'kubernetes nodes were removed and workloads were rescheduled',
      'Alice prefers tabs over spaces',
    ]);
    expect(embedder.networkAttempts).toEqual([]);
    expect(mainThreadAttempts).toEqual([]);
    expect(embedder.loaded).toBe(true);
    expect(a).toHaveLength(512);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 4);
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
  });

  it('runs the graph converted to ONNX on ONNX Runtime, with the vectors TF.js computes (500 sentences)', async () => {
    expect(embedder.runtime).toBe('onnxruntime');
    expect(embedder.nativeRuntimeError).toBeUndefined();
    const texts = fiveHundredSentences();
    const reference = new LocalEmbedder({ runtime: 'tfjs' });
    try {
      const [native, wasm] = await Promise.all([embedder.embedBatch(texts), reference.embedBatch(texts)]);
      expect(reference.runtime).toBe('tfjs');
      const cosines = texts.map((_, i) => cos(native[i]!, wasm[i]!));
      expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.999);
    } finally {
      await reference.close();
    }
    expect(embedder.networkAttempts).toEqual([]);
  }, 120_000);

  it('falls back to TF.js when the native binary cannot load, says why, and computes the same vectors', async () => {
    const cannotLoad = () => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file'));
    const { encoder, nativeError } = await loadSentenceEncoder('auto', cannotLoad);
    expect(encoder.runtime).toBe('tfjs');
    expect(nativeError).toMatch(/cannot open shared object file/);
    const text = 'the k8s autoscaler evicted pods at night';
    const {
      vectors: [fallback],
    } = await encoder.embed([encoder.tokenize(text)]);
    expect(cos(toUnitLength(fallback!), await embedder.embed(text))).toBeGreaterThanOrEqual(0.999);
    expect(mainThreadAttempts).toEqual([]);
  }, 60_000);

  it('keeps the event loop free while the model works', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await embedder.embedBatch(Array.from({ length: 96 }, (_, i) => `note ${i}: connection pooling and caching`));
    clearInterval(timer);
    const elapsed = performance.now() - started;
    // Inference on this thread would hold it for the whole batch; here timers keep firing.
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
  });

  it('spreads a backlog over a second thread, keeps the order it was given, and stops that thread when idle', async () => {
    const own = new LocalEmbedder({ threads: 2, idleThreadMs: 100 });
    expect(own.batchSize).toBe(256);
    // Lengths vary, so batching by length reorders them inside; the answer must not be.
    const texts = Array.from({ length: 64 }, (_, i) => `${'very '.repeat(i % 9)}note ${i} about connection pools`);
    const embedding = own.embedBatch(texts);
    // Once tokenized, both batches are sent at once, one to each thread.
    await expect.poll(() => own.threadCount, { interval: 5, timeout: 10_000 }).toBe(2);
    const [vectors, alone] = await Promise.all([embedding, embedder.embedBatch([texts[5]!, texts[40]!])]);
    expect(cos(vectors[5]!, alone[0]!)).toBeCloseTo(1, 4);
    expect(cos(vectors[40]!, alone[1]!)).toBeCloseTo(1, 4);
    await expect.poll(() => own.threadCount, { timeout: 5_000 }).toBe(1);
    expect(await own.embed('the first thread stays')).toHaveLength(512);
    await own.close();
    expect(own.threadCount).toBe(0);
  });

  it('orders a call of several batches by token count, so padding is the least its runs allow', async () => {
    // Short words cost a token each; long common words too, in ten times the characters: ordering
    // by characters would batch texts of very different token counts together.
    const texts = Array.from({ length: 96 }, (_, i) =>
      i % 2 === 0 ? 'a b c d e f g h '.repeat(1 + (i % 7)) : 'understanding '.repeat(2 + (i % 11)),
    );
    const tokenizer = await modelTokenizer();
    const lengths = texts.map((text) => Math.min(tokenizer.encode(text).length, 128));
    const padding = (order: number[], size: number) => {
      let total = 0;
      for (let start = 0; start < order.length; start += size) {
        const batch = order.slice(start, start + size).map((i) => lengths[i]!);
        total += batch.length * Math.max(...batch) - batch.reduce((a, b) => a + b, 0);
      }
      return total;
    };
    const indexes = texts.map((_, i) => i);
    // Batches of 32 from the host, run 8 at a time on ONNX Runtime: runs of 8 in token order.
    const byTokens = padding(
      [...indexes].sort((a, b) => lengths[a]! - lengths[b]!),
      ONNX_RUN_BATCH,
    );
    const byCharacters = padding(
      [...indexes].sort((a, b) => texts[a]!.length - texts[b]!.length),
      ONNX_RUN_BATCH,
    );
    expect(byTokens).toBeLessThan(byCharacters / 2);

    const before = embedder.positions;
    const vectors = await embedder.embedBatch(texts);
    const after = embedder.positions;
    expect(after.tokens - before.tokens).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(after.padding - before.padding).toBe(byTokens);
    const [alone] = await embedder.embedBatch([texts[7]!]);
    expect(cos(vectors[7]!, alone!)).toBeCloseTo(1, 4);
  });

  it('gives an empty text a zero vector wherever it stands in a call, and the others theirs', async () => {
    const [first, hello, last] = await embedder.embedBatch(['', 'hello there', '']);
    expect([...first!].every((v) => v === 0)).toBe(true);
    expect([...last!].every((v) => v === 0)).toBe(true);
    const alone = await embedder.embed('hello there');
    expect(hello!.reduce((sum, v, i) => sum + v * alone[i]!, 0)).toBeCloseTo(1, 4);
  });

  it('takes the thread count the engine is given, whether the embedder is named or the one the database records', async () => {
    expect(new LocalEmbedder().batchSize).toBe(128 * DEFAULT_MODEL_THREADS);
    const databaseUrl = join(tempDir(), 'threads.db');
    const named = await createPatternExecutionEngine({ databaseUrl, embedder: 'local', localEmbedderThreads: 3 });
    expect(named.embedderInfo().batchSize).toBe(384); // no default is 3 threads
    await named.close();
    const recorded = await createTestEngine({ databaseUrl, embedder: 'database', localEmbedderThreads: 3 });
    expect(recorded.embedderInfo().id).toBe('use-lite-512-v1');
    expect(recorded.embedderInfo().batchSize).toBe(384);
    await expect(createTestEngine({ localEmbedderThreads: 0 })).rejects.toThrow(/localEmbedderThreads/);
  });

  it('refuses a thread count that is not a whole number of at least 1', () => {
    expect(() => new LocalEmbedder({ threads: 0 })).toThrow(/threads: expected a whole number from 1 to 16, got 0/);
    expect(() => new LocalEmbedder({ threads: 100 })).toThrow(/threads: expected a whole number from 1 to 16, got 100/);
    expect(() => new LocalEmbedder({ runtime: 'gpu' as never })).toThrow(
      /runtime: expected 'auto' or 'tfjs', got 'gpu'/,
    );
    // setTimeout would turn these into 1 ms.
    for (const idleThreadMs of [-1, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => new LocalEmbedder({ idleThreadMs })).toThrow(
        new RegExp(`idleThreadMs: expected a whole number from 0 to 2147483647, got ${idleThreadMs}`),
      );
    }
  });

  it('fails pending requests with a clear error when its thread is stopped, and starts a new one after', async () => {
    const own = new LocalEmbedder();
    const pending = own.embed('first');
    await own.close();
    await expect(pending).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: /local embedder/ });
    expect(await own.embed('again')).toHaveLength(512);
    await own.close();
  });

  it('does not fail a request sent to the new thread when the stopped one exits after it', async () => {
    const own = new LocalEmbedder();
    const pending = own.embed('first');
    const closing = own.close(); // the old thread's exit is reported after the next embed starts
    const next = own.embed('sent to the new thread');
    await expect(pending).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await closing;
    expect(await next).toHaveLength(512);
    await own.close();
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
      const before = await engine.countMemories({ ...scope, admin: true });
      const answer = await engine.execute('how do we represent currency values?', { context: scope });
      expect(answer.patternName).toBe('semantic_search');
      expect((answer.result!['memories'] as Array<{ content: string }>)[0]!.content).toMatch(/integer cents/);
      await expect(engine.execute('the weather is nice today', { context: scope })).rejects.toMatchObject({
        code: 'PATTERN_NOT_FOUND',
      });
      await expect(engine.execute('how are you?', { context: scope })).rejects.toMatchObject({
        code: 'PATTERN_NOT_FOUND',
      });
      expect(await engine.countMemories({ ...scope, admin: true })).toBe(before);
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
