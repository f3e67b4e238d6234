/**
 * The bin keeps V8's young generation small (cli/heap-flags.ts): a server started through it,
 * under a stream of requests, ends with the new space it started with; an import, a batch
 * job, lets it grow.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/engine.js';
import { CLI } from '../helpers/mcp.js';

/** Loaded before the bin: writes the size of V8's new space when the process exits. */
const REPORTER = `
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
process.on('exit', () => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  writeFileSync(process.env.HEAP_REPORT, String(space.space_size));
});
`;

describe('the bin', { timeout: 120_000 }, () => {
  it('serves with a young generation that stays at its starting size (2 MiB)', async () => {
    const dir = tempDir();
    const [reporter, report] = [join(dir, 'reporter.mjs'), join(dir, 'new-space')];
    writeFileSync(reporter, REPORTER);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', reporter, CLI, '--db', join(dir, 'memories.db'), '--embedder', 'hashing', 'mcp'],
      env: { ...(process.env as Record<string, string>), TMWS_LOG_LEVEL: 'silent', HEAP_REPORT: report },
      stderr: 'ignore',
    });
    const client = new Client({ name: 'tmws-test', version: '1.0.0' });
    await client.connect(transport);
    for (let i = 0; i < 150; i++) {
      await client.callTool({
        name: 'store_memory',
        arguments: { content: `note ${i} on pooling and ${i % 7} caches` },
      });
      await client.callTool({ name: 'search_memories', arguments: { query: `pooling ${i}`, limit: 10 } });
    }
    await client.close();
    for (let waited = 0; !existsSync(report) && waited < 5000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    expect(Number(readFileSync(report, 'utf8'))).toBeLessThanOrEqual(2 * 2 ** 20);
  });

  it('imports with a young generation that grows past its starting size', () => {
    const dir = tempDir();
    const [reporter, report, notes] = [join(dir, 'reporter.mjs'), join(dir, 'new-space'), join(dir, 'notes.jsonl')];
    writeFileSync(reporter, REPORTER);
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ content: `note ${i} on pooling and caches` }),
    );
    writeFileSync(notes, lines.join('\n'));
    const run = spawnSync(
      process.execPath,
      ['--import', reporter, CLI, '--db', join(dir, 'memories.db'), '--embedder', 'hashing', 'memory', 'import', notes],
      { env: { ...process.env, TMWS_LOG_LEVEL: 'silent', HEAP_REPORT: report }, encoding: 'utf8' },
    );
    expect(run.stdout).toContain('imported 5000 memories');
    expect(Number(readFileSync(report, 'utf8'))).toBeGreaterThan(2 * 2 ** 20);
  });
});
