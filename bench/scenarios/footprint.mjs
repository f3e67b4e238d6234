// Resident memory of the MCP server (the bin, as users start it) at 100,000 memories on the
// hashing embedder: over the same server started on an empty store, after searches by words
// and by meaning and some writes, with where it goes (V8's spaces, the vector codes, the rest).
// Run: npm run bench -- footprint   (FOOTPRINT_SIZE, FOOTPRINT_ROUNDS)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { corpus } from './_corpus.mjs';
import { mib, printTable } from './_util.mjs';

const SIZE = Number(process.env.FOOTPRINT_SIZE ?? 100_000);
const ROUNDS = Number(process.env.FOOTPRINT_ROUNDS ?? 600);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const REPORTER = fileURLToPath(new URL('./_heap-reporter.mjs', import.meta.url));
const FLAGS = ['--namespace', 'bench', '--agent', 'bench-agent'];
const TOPICS = ['security', 'performance', 'database', 'caching', 'latency', 'deploy', 'auth', 'index', 'query'];

const work = mkdtempSync(join(tmpdir(), 'tmws-footprint-'));
try {
  const notes = corpus(SIZE, { namespace: 'bench' });
  const file = join(work, 'notes.jsonl');
  writeFileSync(
    file,
    notes.map((n) => JSON.stringify({ content: n.content, tags: n.tags, access_level: 'team' })).join('\n'),
  );
  const db = join(work, 'memories.db');
  const imported = spawnSync(process.execPath, [CLI, '--db', db, ...FLAGS, 'memory', 'import', file], {
    env: { ...process.env, TMWS_EMBEDDER: 'hashing', TMWS_LOG_LEVEL: 'error' },
    encoding: 'utf8',
  });
  if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}`);

  const empty = await serve(join(work, 'empty.db'));
  const start = await measure(empty);
  await empty.client.close();

  const server = await serve(db);
  const opened = await measure(server);
  const call = (name, args) => server.client.callTool({ name, arguments: args });
  for (let i = 0; i < ROUNDS; i++) {
    const words = `${TOPICS[i % TOPICS.length]} ${TOPICS[(i * 7 + 3) % TOPICS.length]}`;
    await call('search_memories', { query: TOPICS[i % TOPICS.length], limit: 10 });
    await call('execute_pattern', { query: `search for ${words} ${i}` });
    if (i % 20 === 0) await call('store_memory', { content: `footprint note ${i} about ${words}` });
  }
  const served = await measure(server);
  await server.client.close();

  const over = (m) => m.rss - start.rss;
  const space = (m, name) => m.heap.spaces[name]?.committed ?? 0;
  console.log(
    `MCP server (node dist/cli/main.js … mcp), ${SIZE.toLocaleString('en')} memories, hashing embedder, ` +
      `${ROUNDS} rounds of a full-text search, a search by meaning and every 20th a store`,
  );
  printTable(
    [
      'server',
      'RSS MiB',
      'over empty',
      'V8 new',
      'V8 old used/committed',
      'V8 code+large',
      'external',
      'other anon',
      'file-backed',
    ],
    [
      ['empty store, connected', start, 'start'],
      [`${SIZE.toLocaleString('en')}, connected`, opened],
      [`${SIZE.toLocaleString('en')}, after the rounds`, served],
    ].map(([label, m]) => [
      label,
      mib(m.rss),
      mib(over(m)),
      mib(space(m, 'new_space')),
      `${mib(m.heap.spaces.old_space.used)} / ${mib(space(m, 'old_space'))}`,
      mib(space(m, 'code_space') + space(m, 'large_object_space')),
      mib(m.heap.external),
      mib(m.anon - m.heap.heapTotal - m.heap.external),
      mib(m.rss - m.anon),
    ]),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function serve(db) {
  const report = join(work, `heap-${Math.random().toString(36).slice(2)}.json`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', REPORTER, CLI, '--db', db, ...FLAGS, 'mcp'],
    env: { ...process.env, TMWS_EMBEDDER: 'hashing', TMWS_LOG_LEVEL: 'error', HEAP_REPORT: report },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'tmws-bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid, report };
}

/** Resident memory from /proc and the heap report the server writes on SIGUSR2. */
async function measure({ pid, report }) {
  rmSync(report, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; !existsSync(report) && waited < 10_000; waited += 20) await sleep(20);
  await sleep(20);
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(rollup)[1]) * 1024;
  return { rss: kib('Rss'), anon: kib('Anonymous'), heap: JSON.parse(readFileSync(report, 'utf8')) };
}
