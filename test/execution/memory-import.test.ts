import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { REQUEST_LIMITS, ValidationError } from '../../src/index.js';
import { createTestEngine, tempDir } from '../helpers/engine.js';

const good = { content: 'use pgbouncer', namespace: 'lab', agentId: 'ann', tags: ['db'] };

describe('importing memories', () => {
  it('checks every record with the rules of a store, and imports nothing when one is bad', async () => {
    const engine = await createTestEngine();
    const bad = [
      good,
      { ...good, namespace: '../etc' },
      { ...good, tags: ['has space'] },
      { ...good, sharedWith: Array.from({ length: REQUEST_LIMITS.maxSharedWith + 1 }, (_, i) => `a${i}`) },
      { ...good, metadata: { a: { b: { c: { d: { e: { f: { g: { h: {} } } } } } } } } },
      { ...good, content: '   ' },
      'not a memory',
    ];
    const error = await engine.importMemories(bad as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(
      /^6 of 7 memories are invalid; nothing was imported: memories\[1\]: namespace/,
    );
    const issues = (error as ValidationError).details?.['issues'] as Array<{ index: number; message: string }>;
    expect(issues.map((i) => i.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(issues[1]!.message).toMatch(/^tags\.0: use letters/);
    expect(issues[2]!.message).toMatch(/^sharedWith: /);
    expect(issues[3]!.message).toMatch(/nested deeper than/);
    expect(await engine.searchMemories({ namespace: 'lab', agentId: 'ann' })).toEqual([]);
  });

  it('takes ISO or epoch times, and an export back unchanged', async () => {
    const engine = await createTestEngine();
    const createdAt = '2025-06-01T12:00:00.000Z';
    expect(
      await engine.importMemories([
        { ...good, createdAt },
        { ...good, content: 'rotate keys', createdAt: Date.parse(createdAt), expiresAt: null },
      ]),
    ).toEqual({ created: 2, updated: 0 });
    const exported = [];
    for await (const memory of engine.exportMemories('lab')) exported.push(memory);
    expect(exported.map((m) => m.createdAt)).toEqual([createdAt, createdAt]);
    expect(await engine.importMemories(exported)).toEqual({ created: 0, updated: 2 });
  });

  it('refuses, in the CLI, each line the engine would refuse, by line number', async () => {
    const dir = tempDir();
    const file = join(dir, 'in.jsonl');
    writeFileSync(
      file,
      ['{"content":"ok"}', '{"content":"x","tags":["a b"]}', '{"content":"y","agentId":"no/slash"}'].join('\n'),
    );
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    let errors = '';
    stderr.on('data', (chunk) => (errors += String(chunk)));
    const code = await runCli(['--db', join(dir, 'm.db'), 'memory', 'import', file], { stdout, stderr });
    expect(code).toBe(2);
    expect(errors).toMatch(/in\.jsonl:2: tags\.0: use letters/);
    expect(errors).toMatch(/in\.jsonl:3: agentId: use letters/);
    expect(errors).toMatch(/2 bad line\(s\) of 3; nothing was imported/);
  });
});
