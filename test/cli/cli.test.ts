/**
 * Drives the built CLI (dist/cli/main.js, built by `npm test`) in real child processes,
 * so persistence between invocations is tested the way users meet it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/engine.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, TMWS_LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Each case spawns several Node processes; on a busy 2-core machine that alone can take tens of seconds.
describe('tmws-patterns CLI', { timeout: 60_000 }, () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it)');
  });

  it('executes a seed query, and a later process sees what an earlier one stored', async () => {
    const db = join(tempDir(), 'memories.db');
    const stored = await cli([
      '--db',
      db,
      'exec',
      'store optimization result for auth-service',
      '--context',
      '{"tags":["optimization"]}',
    ]);
    expect(stored.code).toBe(0);
    expect(stored.stdout).toMatch(/✓ Pattern: store_memory \(memory → store\)/);
    expect(stored.stdout).toMatch(/✓ Time: \d+\.\d\dms/);
    expect(stored.stdout).toMatch(/✓ Tokens: 80/);
    expect(stored.stdout).toMatch(/✓ Success: true/);

    const recalled = await cli(['exec', 'recall optimization patterns for auth-service', '--json'], {
      TMWS_DATABASE_URL: db,
    });
    expect(recalled.code).toBe(0);
    const result = JSON.parse(recalled.stdout) as {
      patternName: string;
      result: { memories: Array<{ content: string }> };
    };
    expect(result.patternName).toBe('recall_memory');
    expect(result.result.memories.map((m) => m.content)).toEqual(['optimization result for auth-service']);

    const stats = await cli(['--db', db, 'stats', '--json']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ memories: 1, totalExecutions: 2, successRate: 100 });
  });

  it('exits non-zero with a clear message on bad input', async () => {
    const db = join(tempDir(), 'memories.db');
    const empty = await cli(['--db', db, 'exec', '   ']);
    expect(empty).toMatchObject({ code: 2 });
    expect(empty.stderr).toMatch(/VALIDATION_ERROR.*query: must not be empty/);
    const badMode = await cli(['--db', db, 'exec', 'check health', '--mode', 'turbo']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toMatch(/Allowed choices are fast, balanced, comprehensive/);
    const badContext = await cli(['--db', db, 'exec', 'check health', '--context', '[1,2]']);
    expect(badContext.stderr).toMatch(/expected a JSON object/);
    const fast = await cli(['--db', db, 'exec', 'recall memories', '--mode', 'fast']);
    expect(fast.code).toBe(1);
    expect(fast.stderr).toMatch(/PATTERN_NOT_FOUND.*FAST mode does not run/);
    const failed = await cli(['--db', db, 'exec', 'calculate 1 / 0']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/✗ Success: false — \[EXECUTION_FAILED\] Division by zero/);
  });

  it('lists and tests patterns without touching a database', async () => {
    const listed = await cli(['patterns', 'list', '--type', 'hybrid']);
    expect(listed.stdout.split('\n').filter((l) => /^semantic_|^compare_|^temporal_/.test(l))).toHaveLength(4);
    const tested = await cli(['patterns', 'test', 'recall items tagged security']);
    expect(tested.stdout).toMatch(/✓ recall_by_tag .*\n.*\n\s+params: \{"tag":"security"\}/);
    // A question without a command verb is routed to the hybrid search (issue 9).
    const unmatched = await cli(['patterns', 'test', 'what did we decide', '--json']);
    expect(unmatched.code).toBe(1);
    expect(JSON.parse(unmatched.stdout)).toMatchObject({ matched: null, routing: { patternType: 'hybrid' } });
  });

  it('validates a pattern file, reporting each problem with its line', async () => {
    const dir = tempDir();
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      '- name: deploy\n  pattern_type: infrastructure\n  trigger_pattern: deploy\n  cost_tokens: 5\n',
    );
    expect(await cli(['patterns', 'validate', good])).toMatchObject({
      code: 0,
      stdout: '✓ 1 pattern(s) valid in 1 file(s)\n',
    });

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        '- name: ok_one',
        '  pattern_type: memory',
        '  trigger_pattern: fine',
        '  cost_tokens: 1',
        '- name: Broken',
        '  pattern_type: quantum',
        '  trigger_pattern: "("',
        '  cost_tokens: -1',
      ].join('\n'),
    );
    const report = await cli(['patterns', 'validate', bad]);
    expect(report.code).toBe(1);
    // One line per problem, at the line and column of the offending field.
    expect(report.stderr).toMatch(/bad\.yaml:5:9 \(pattern #2\): name: must start with a lowercase letter/);
    expect(report.stderr).toMatch(/bad\.yaml:6:17 \(pattern #2\): pattern_type: Invalid option/);
    expect(report.stderr).toMatch(/bad\.yaml:8:16 \(pattern #2\): cost_tokens: Too small/);
    expect(report.stderr).toMatch(/bad\.yaml:7:20 \(pattern #2\): trigger_pattern: invalid regular expression/);
    expect(report.stderr).toMatch(/✗ 4 problem\(s\) in 1 file\(s\)/);
  });

  it('imports JSON Lines all or nothing and exports them back', async () => {
    const dir = tempDir();
    const db = join(dir, 'memories.db');
    const input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      ['{"content":"first fact","tags":["a"]}', '', '{"content":"second fact","importance":0.9}'].join('\n'),
    );
    const imported = await cli(['--db', db, 'memory', 'import', input]);
    expect(imported).toMatchObject({ code: 0, stdout: '✓ imported 2 memories: 2 new, 0 updated\n' });

    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, ['{"content":"third fact"}', '{not json', '{"content":"x","importance":3}'].join('\n'));
    const rejected = await cli(['--db', db, 'memory', 'import', broken]);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/broken\.jsonl:2: not valid JSON/);
    expect(rejected.stderr).toMatch(/broken\.jsonl:3: importance/);
    expect(rejected.stderr).toMatch(/nothing was imported/);

    const output = join(dir, 'out.jsonl');
    expect((await cli(['--db', db, 'memory', 'export', output])).stdout).toBe(`✓ exported 2 memories to ${output}\n`);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { content: string });
    expect(lines.map((l) => l.content)).toEqual(['first fact', 'second fact']);

    // An export imports back unchanged: identical content updates instead of duplicating.
    expect((await cli(['--db', db, 'memory', 'import', output])).stdout).toBe(
      '✓ imported 2 memories: 0 new, 2 updated\n',
    );
  });

  it('imports with a slow embedder: the rows first, then their vectors, counted without a terminal', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, ['{"content":"first fact"}', '{"content":"second fact"}'].join('\n'));
    const imported = await cli(['--db', join(dir, 'm.db'), '--embedder', 'local', 'memory', 'import', input]);
    expect(imported).toMatchObject({
      code: 0,
      stdout:
        '✓ imported 2 memories: 2 new, 0 updated\n' +
        '  searchable by full text now; computing their vectors with use-lite-512-v1\n' +
        '✓ embedded 2 memories with use-lite-512-v1\n',
    });
  });

  it('reports an export path that cannot be written clearly', async () => {
    const failed = await cli(['--db', join(tempDir(), 'm.db'), 'memory', 'export', '/etc/passwd/out.jsonl']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/VALIDATION_ERROR.*cannot write '\/etc\/passwd\/out.jsonl'/);
  });

  it('reports a missing import file, or a directory, clearly', async () => {
    const missing = await cli(['--db', join(tempDir(), 'm.db'), 'memory', 'import', '/nonexistent/file.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read '\/nonexistent\/file.jsonl'/);
    const dir = tempDir();
    const directory = await cli(['--db', join(dir, 'm.db'), 'memory', 'import', dir]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/VALIDATION_ERROR.*cannot read '.+': EISDIR/);
  });
});
