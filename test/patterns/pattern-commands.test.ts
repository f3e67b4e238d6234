import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { patternFileJsonSchema } from '../../src/index.js';
import { tempDir } from '../helpers/engine.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const chunks = { stdout: '', stderr: '' };
  stdout.on('data', (c) => (chunks.stdout += String(c)));
  stderr.on('data', (c) => (chunks.stderr += String(c)));
  const code = await runCli(argv, { stdout, stderr });
  return { code, ...chunks };
}

describe('tmws-patterns patterns', () => {
  it('test --explain lists the candidates and why the winner won', async () => {
    const { code, stdout } = await cli('patterns', 'test', 'recall items tagged security', '--explain');
    expect(code).toBe(0);
    expect(stdout).toMatch(/4 of 25 patterns tried/);
    expect(stdout).toMatch(/✓\s+recall_by_tag\s+9\s+tag\|tagged\|tags \+ /);
    expect(stdout).toMatch(/✓\s+recall_memory\s+8\s+/);
    expect(stdout).toMatch(/winner: recall_by_tag \(priority\): priority 9 is above 8 \('recall_memory'\)/);
  });

  it('test --explain --json carries the explanation', async () => {
    const { stdout } = await cli('patterns', 'test', 'check database health', '--explain', '--json', '--mode', 'fast');
    const report = JSON.parse(stdout) as { matched: { pattern: string }; explanation: Record<string, unknown> };
    expect(report.matched.pattern).toBe('health_check');
    expect(report.explanation).toMatchObject({
      types: ['infrastructure'],
      winner: { name: 'health_check', reason: 'only-match' },
      candidates: [{ name: 'health_check', outcome: 'matched', params: { component: 'database' } }],
    });
  });

  it('test refuses a query over the length limit', async () => {
    const { code, stderr } = await cli('patterns', 'test', 'a'.repeat(2001));
    expect(code).toBe(2);
    expect(stderr).toMatch(/PAYLOAD_TOO_LARGE.*over the limit of 2000/);
  });

  it('validate reports every problem with file:line:column and fails', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.yaml');
    writeFileSync(file, '- name: ok\n  pattern_type: memory\n  trigger_pattern: "(a"\n  cost_tokens: x\n');
    const { code, stderr } = await cli('patterns', 'validate', file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:4:16 (pattern #1): cost_tokens: Invalid input: expected number`);
    expect(stderr).toMatch(/✗ \d problem\(s\) in 1 file\(s\)/);
  });

  it('schema prints the JSON Schema of pattern files', async () => {
    const { stdout } = await cli('patterns', 'schema');
    expect(JSON.parse(stdout)).toEqual(patternFileJsonSchema());
  });
});
