import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  createPatternExecutionEngine,
  openMemoryStore,
  ValidationError,
  type ImportedMemory,
  type MemoryStore,
} from '../../src/index.js';
import { onCleanup } from '../helpers/engine.js';

const scope = { namespace: 'lab', agentId: 'ann' };
const record = (i: number) => ({ ...scope, content: `note ${i}`, tags: ['bulk'] });

async function* generate(count: number, at: (i: number) => unknown = record): AsyncGenerator<unknown> {
  for (let i = 0; i < count; i++) yield at(i);
}

/** An engine on a store that records the size of every import transaction. */
async function engineCountingImports() {
  const opened = await openMemoryStore(':memory:', { embedder: 'hashing' });
  onCleanup(() => opened.close());
  const transactions: number[] = [];
  const store = new Proxy(opened.store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === 'importMany') transactions.push((args[0] as ImportedMemory[]).length);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as MemoryStore;
  const engine = await createPatternExecutionEngine({ store, embedder: opened.embedder });
  onCleanup(() => engine.close());
  const stored = () => opened.store.count({ ...scope, admin: true });
  return { engine, transactions, stored };
}

const spools = () => readdirSync(tmpdir()).filter((name) => name.startsWith('tmws-import-'));

describe('importing from an iterable, in batches', () => {
  it('imports an async generator a transaction per batch, reporting progress of the whole', async () => {
    const { engine, transactions, stored } = await engineCountingImports();
    const progress: Array<[number, number]> = [];
    const counts = await engine.importMemories(generate(250), {
      batchSize: 100,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(counts).toEqual({ created: 250, updated: 0 });
    expect(transactions).toEqual([100, 100, 50]);
    expect(await stored()).toBe(250);
    expect(progress.at(-1)).toEqual([250, 250]);
    expect(progress.every(([, total]) => total === 250)).toBe(true);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));
  });

  it('checks every record first: one bad record after two full batches imports nothing', async () => {
    const { engine, transactions, stored } = await engineCountingImports();
    const before = spools().length;
    const source = generate(250, (i) => (i === 230 ? { ...record(i), importance: 3 } : record(i)));
    const error = await engine.importMemories(source, { batchSize: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(
      /^1 of 250 memories are invalid; nothing was imported: memories\[230\]: importance/,
    );
    expect((error as ValidationError).details).toMatchObject({ invalid: 1, issues: [{ index: 230 }] });
    expect(transactions).toEqual([]);
    expect(await stored()).toBe(0);
    expect(spools().length).toBe(before); // the checked batches kept between the passes are gone
  });

  it('counts a record the source could not read (an Error) as a bad record, by its position', async () => {
    const { engine, stored } = await engineCountingImports();
    const source = generate(5, (i) => (i === 3 ? new Error('not valid JSON (line 4)') : record(i)));
    await expect(engine.importMemories(source)).rejects.toMatchObject({
      details: { invalid: 1, issues: [{ index: 3, message: 'not valid JSON (line 4)' }] },
    });
    expect(await stored()).toBe(0);
  });

  it('lets an error of the source through as it is, nothing written', async () => {
    const { engine, transactions } = await engineCountingImports();
    async function* failing() {
      yield record(0);
      throw new Error('the cursor died');
    }
    await expect(engine.importMemories(failing(), { batchSize: 1 })).rejects.toThrow('the cursor died');
    expect(transactions).toEqual([]);
  });

  it('takes a plain iterable, and an array in one transaction whatever its length', async () => {
    const { engine, transactions } = await engineCountingImports();
    const fromSet = new Set([record(0), record(1)]);
    expect(await engine.importMemories(fromSet)).toEqual({ created: 2, updated: 0 });
    const array = Array.from({ length: 150 }, (_, i) => record(i));
    expect(await engine.importMemories(array, { batchSize: 100 })).toEqual({ created: 148, updated: 2 });
    expect(transactions).toEqual([2, 150]);
  });

  it('refuses what is not iterable', async () => {
    const { engine } = await engineCountingImports();
    await expect(engine.importMemories({ content: 'one memory' } as never)).rejects.toThrow(
      /memories: expected an array or an iterable/,
    );
  });
});
