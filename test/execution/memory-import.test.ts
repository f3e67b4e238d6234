import { execFileSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
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
    expect((await engine.searchMemories({ namespace: 'lab', agentId: 'ann' })).memories).toEqual([]);
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

  it("takes the wire's snake_case names, as a search reply writes them", async () => {
    const engine = await createTestEngine();
    const reply = {
      id: 'b4c1c4b2-0000-4000-8000-000000000000',
      content: 'rotate keys monthly',
      namespace: 'lab',
      agent_id: 'ann',
      access_level: 'team',
      shared_with: [],
      created_at: '2025-06-01T12:00:00.000Z',
      expires_at: null,
      content_hash: 'ignored',
      access_count: 3,
      score: 0.7,
    };
    // Untyped JSON, as a file or a reply gives it: the typed API names fields in camelCase.
    expect(await engine.importMemories([reply] as never)).toEqual({ created: 1, updated: 0 });
    const [memory] = (await engine.searchMemories({ namespace: 'lab', agentId: 'ann' })).memories;
    expect(memory).toMatchObject({ agentId: 'ann', accessLevel: 'team', createdAt: '2025-06-01T12:00:00.000Z' });
    expect(memory!.accessCount).toBe(1); // this search's own read, not the reply's 3
  });

  it('refuses a field it does not know, or one given under both names, by name', async () => {
    const engine = await createTestEngine();
    const error = await engine
      .importMemories([
        good,
        { ...good, acces_level: 'team' },
        { ...good, accessLevel: 'team', access_level: 'team' },
      ] as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).details?.['issues'] as Array<{ index: number; message: string }>;
    expect(issues).toEqual([
      { index: 1, message: expect.stringMatching(/^unknown field 'acces_level'; a memory to import has content, /) },
      { index: 2, message: 'accessLevel: given twice, as accessLevel and access_level; keep one' },
    ]);
    expect((await engine.searchMemories({ namespace: 'lab', agentId: 'ann' })).memories).toEqual([]);
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

  it("fills in, in the CLI, the flags' namespace and agent only where a line has none", async () => {
    const dir = tempDir();
    const file = join(dir, 'in.jsonl');
    writeFileSync(
      file,
      ['{"content":"mine"}', '{"content":"bob\'s","agent_id":"bob","access_level":"team"}'].join('\n'),
    );
    const db = join(dir, 'm.db');
    const io = { stdout: new PassThrough(), stderr: new PassThrough() };
    expect(await runCli(['--db', db, '--namespace', 'lab', '--agent', 'ann', 'memory', 'import', file], io)).toBe(0);
    const engine = await createTestEngine({ databaseUrl: db });
    const owners = async (agentId: string) =>
      (await engine.searchMemories({ namespace: 'lab', agentId })).memories.filter((m) => m.agentId === agentId);
    expect((await owners('ann')).map((m) => m.content)).toEqual(['mine']);
    expect((await owners('bob')).map((m) => [m.content, m.accessLevel])).toEqual([["bob's", 'team']]);
  });

  it('draws a progress bar on a terminal, and none elsewhere', async () => {
    const dir = tempDir();
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, Array.from({ length: 1000 }, (_, i) => JSON.stringify({ content: `note ${i}` })).join('\n'));
    const importInto = async (db: string, terminal: boolean) => {
      const stderr = Object.assign(new PassThrough(), { isTTY: terminal, columns: 80 });
      let drawn = '';
      stderr.on('data', (chunk) => (drawn += String(chunk)));
      const code = await runCli(['--db', join(dir, db), 'memory', 'import', file], {
        stdout: new PassThrough(),
        stderr,
      });
      expect(code).toBe(0);
      return drawn;
    };
    expect(await importInto('tty.db', true)).toMatch(/importing \[.*\] 1000\/1000/);
    expect(await importInto('pipe.db', false)).toBe('');
  });

  it('imports a file larger than a batch batch by batch, and nothing of it when a late line is bad', async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 25 }, (_, i) => JSON.stringify({ content: `note ${i % 24}` }));
    const run = async (content: string[], ...flags: string[]) => {
      const file = join(dir, 'in.jsonl');
      writeFileSync(file, content.join('\n'));
      const [stdout, stderr] = [new PassThrough(), new PassThrough()];
      let out = '';
      stdout.on('data', (chunk) => (out += String(chunk)));
      stderr.on('data', (chunk) => (out += String(chunk)));
      const code = await runCli(['--db', join(dir, 'm.db'), 'memory', 'import', file, ...flags], { stdout, stderr });
      return { code, out };
    };
    const bad = [...lines.slice(0, 23), '{"content":"x","tags":["a b"]}', ...lines.slice(23)];
    expect(await run(bad, '--batch-size', '10')).toMatchObject({
      code: 2,
      out: expect.stringMatching(
        /in\.jsonl:24: tags\.0: use letters[\s\S]*1 bad line\(s\) of 26; nothing was imported/,
      ),
    });
    const engine = await createTestEngine({ databaseUrl: join(dir, 'm.db') });
    expect((await engine.searchMemories({ namespace: 'default', agentId: 'default' })).memories).toEqual([]);

    // Line 25 repeats line 1 in another batch: it updates that memory, as within one.
    expect(await run(lines, '--batch-size', '10')).toEqual({
      code: 0,
      out: '✓ imported 25 memories: 24 new, 1 updated\n',
    });
    expect(
      (await engine.searchMemories({ namespace: 'default', agentId: 'default' }, { limit: 100 })).memories,
    ).toHaveLength(24);
    expect(await run(lines, '--batch-size', '0')).toMatchObject({
      code: 2,
      out: expect.stringMatching(/--batch-size: expected a whole number from 1 to 1000000, got 0/),
    });
  });

  it('reads a pipe once, as one batch, whatever the batch size', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    // Opening a pipe for writing waits for its reader: the import.
    const writer = createWriteStream(fifo);
    writer.end(Array.from({ length: 25 }, (_, i) => JSON.stringify({ content: `note ${i}` })).join('\n'));
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk) => (out += String(chunk)));
    const args = ['--db', join(dir, 'm.db'), 'memory', 'import', fifo, '--batch-size', '10'];
    expect(await runCli(args, { stdout, stderr: new PassThrough() })).toBe(0);
    expect(out).toBe('✓ imported 25 memories: 25 new, 0 updated\n');
  });
});
