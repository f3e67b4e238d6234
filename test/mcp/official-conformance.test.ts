import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startServeProcess } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/engine.js';

const CONFORMANCE = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url),
);
const BASELINE = fileURLToPath(new URL('official-conformance-baseline.yml', import.meta.url));
/** The scenarios that apply to any server: each must pass. */
const APPLICABLE = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'dns-rebinding-protection'];

/**
 * The MCP project's own conformance suite (pinned, run offline from node_modules) against the
 * real `serve` bin's /mcp: every scenario passes, or is one listed in the baseline with why.
 */
describe('the official MCP conformance suite', () => {
  it('passes every scenario that applies to this server', async () => {
    const dir = tempDir();
    const serve = await startServeProcess(['--db', join(dir, 'conformance.db'), 'serve', '--port', '0']);
    const results = join(dir, 'results');
    const suite = spawn(
      process.execPath,
      [CONFORMANCE, 'server', '--url', `${serve.base}/mcp`, '--expected-failures', BASELINE, '-o', results],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    suite.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    suite.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(suite, 'exit')) as [number | null];
    expect(code, output.slice(-3000)).toBe(0);

    const statuses = new Map<string, string[]>();
    for (const run of readdirSync(results)) {
      const checks = JSON.parse(readFileSync(join(results, run, 'checks.json'), 'utf8')) as Array<{ status: string }>;
      statuses.set(
        run.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT.*$/, ''),
        checks.map((c) => c.status),
      );
    }
    for (const scenario of APPLICABLE) {
      expect(statuses.get(scenario), scenario).toEqual(expect.arrayContaining(['SUCCESS']));
      expect(
        statuses.get(scenario)?.filter((status) => status !== 'SUCCESS'),
        scenario,
      ).toEqual([]);
    }
  }, 120_000);
});
