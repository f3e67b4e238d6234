import { describe, expect, it } from 'vitest';
import type { PatternExecutionEngine } from '../../src/index.js';
import { createTestEngine } from '../helpers/engine.js';
import { TEST_EMBEDDERS } from '../helpers/embedders.js';

/** Every read-shaped query of the catalog, each of which could leak a memory. */
const READS = [
  'recall launch codes',
  'recall memories',
  'recall items tagged secret',
  'show important memories',
  'get memories with importance above 0.1',
  'find similar to launch codes',
  'analyze launch codes',
  'compare launch and codes',
  'recent launch codes',
  'what did we decide about launch codes',
  'what are the launch codes?',
];

const contentsOf = (value: unknown): string[] => JSON.stringify(value).match(/launch codes are 1234/g) ?? [];

describe.each(TEST_EMBEDDERS)('isolation with the %s embedder', (_name, embedder) => {
  async function seeded(): Promise<PatternExecutionEngine> {
    const engine = await createTestEngine({ embedder: embedder() });
    const stored = await engine.execute('save note: launch codes are 1234', {
      context: { agentId: 'alice', tags: ['secret'], importance: 0.95 },
    });
    expect(stored.success).toBe(true);
    return engine;
  }

  describe('isolation', () => {
    it("never shows an agent another agent's private memory, through any read, in any mode", async () => {
      const engine = await seeded();
      for (const mode of ['balanced', 'comprehensive'] as const) {
        for (const query of READS) {
          const own = await engine.execute(query, { executionMode: mode, context: { agentId: 'alice' } });
          expect(contentsOf(own.result).length, `alice: ${query}`).toBeGreaterThan(0);
          const other = await engine.execute(query, { executionMode: mode, context: { agentId: 'bob' } });
          expect(contentsOf(other.result), `bob: ${query}`).toEqual([]);
        }
      }
    });

    it('does not leak through the cache: the same query by another agent is a separate entry', async () => {
      const engine = await seeded();
      const alice = await engine.execute('recall launch codes', { context: { agentId: 'alice' } });
      expect(alice.result).toMatchObject({ count: 1 });
      const bob = await engine.execute('recall launch codes', { context: { agentId: 'bob' } });
      expect(bob).toMatchObject({ cacheHit: false, result: { count: 0 } });
    });

    it('never shows one namespace the memories of another, even team ones', async () => {
      const engine = await createTestEngine({ embedder: embedder() });
      await engine.execute('save note: team launch codes are 1234', {
        context: { namespace: 'red', accessLevel: 'team' },
      });
      for (const query of READS) {
        const other = await engine.execute(query, { context: { namespace: 'blue' } });
        expect(contentsOf(other.result), query).toEqual([]);
      }
    });

    it('shows team memories to every agent of the namespace', async () => {
      const engine = await createTestEngine({ embedder: embedder() });
      await engine.execute('save note: team runbook lives in the wiki', {
        context: { agentId: 'alice', accessLevel: 'team' },
      });
      const bob = await engine.execute('recall runbook', { context: { agentId: 'bob' } });
      expect(bob.result).toMatchObject({ count: 1 });
    });
  });
});
