// tmws-patterns beside the official MCP reference memory server
// (@modelcontextprotocol/server-memory), the one agents install first: the same MCP SDK
// client over stdio, the same seeded notes, the same queries, one interleaved run. A third
// server times the SDK's own floor: a fixed copy of our reply, no work (_fixed-reply-server.mjs).
// The peer is installed into a cache directory outside the repository (never a dependency
// of the package). Run: npm run bench -- peer   (PEER_SIZES=10000 for the small size only)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { corpus } from './_corpus.mjs';
import { fmt, mib, printTable, summary } from './_util.mjs';

const PEER = '@modelcontextprotocol/server-memory';
const PEER_VERSION = '2026.8.31';
const SIZES = (process.env.PEER_SIZES ?? '10000,100000').split(',').map(Number);
const QUERY_COUNT = 50;
const ROUNDS = { 10_000: 4, 100_000: 1 };
const PEER_BATCH = 500;
const AFTER_GC_MS = 20;
const EMBEDDER = process.env.BENCH_EMBEDDER ?? 'hashing';
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const FIXED_REPLY_SERVER = fileURLToPath(new URL('./_fixed-reply-server.mjs', import.meta.url));
const NAMESPACE = 'bench';
const AGENT = 'bench-agent';

const peerEntry = installPeer();
const work = mkdtempSync(join(tmpdir(), 'tmws-peer-'));
console.log(`peer: ${PEER}@${PEER_VERSION}; ours: search_memories (lexical, BM25, top 10), embedder ${EMBEDDER}`);

try {
  const rows = [];
  for (const size of SIZES) rows.push(...(await compareAt(size)));
  console.log();
  printTable(['memories', 'measure', 'tmws-patterns', 'server-memory', 'ratio', 'SDK floor', 'floor ratio'], rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function compareAt(size) {
  const notes = corpus(size, { namespace: NAMESPACE, agentId: AGENT });
  const queries = pickQueries(notes);
  const dbFile = join(work, `ours-${size}.db`);
  const peerFile = join(work, `peer-${size}.jsonl`);

  // Load: our bulk import through the CLI (a fresh process, start-up included) beside the
  // peer's create_entities in batches of 500 through its MCP server (start-up included).
  const importFile = join(work, `notes-${size}.jsonl`);
  writeFileSync(importFile, notes.map((n) => JSON.stringify(importLine(n))).join('\n'));
  // The same database, namespace and agent for the import and the server.
  const ourFlags = ['--db', dbFile, '--namespace', NAMESPACE, '--agent', AGENT];
  const oursLoad = timeProcess([...ourFlags, 'memory', 'import', importFile]);
  let peerLoadMs = null;
  if (size <= 10_000) {
    const started = performance.now();
    const peer = await connect(process.execPath, [peerEntry], { MEMORY_FILE_PATH: peerFile });
    for (let i = 0; i < notes.length; i += PEER_BATCH) {
      await peer.client.callTool({
        name: 'create_entities',
        arguments: { entities: notes.slice(i, i + PEER_BATCH).map((n, j) => peerEntity(n, i + j)) },
      });
    }
    peerLoadMs = performance.now() - started;
    await peer.client.close();
  } else {
    // create_entities compares every new name with every stored one (quadratic): at this
    // size its file is written directly, in its own format, and only search is compared.
    writeFileSync(peerFile, notes.map((n, i) => JSON.stringify({ type: 'entity', ...peerEntity(n, i) })).join('\n'));
  }

  // Search: both servers up side by side, each query sent to one then the other.
  const ours = await connect(process.execPath, [CLI, ...ourFlags, 'mcp']);
  const peer = await connect(process.execPath, [peerEntry], { MEMORY_FILE_PATH: peerFile });
  const oursSearch = (q) => ours.client.callTool({ name: 'search_memories', arguments: { query: q, limit: 10 } });
  const peerSearch = (q) => peer.client.callTool({ name: 'search_nodes', arguments: { query: q } });
  for (const q of queries.slice(0, 5)) await Promise.all([oursSearch(q), peerSearch(q)]); // warm-up
  // Both must find what was loaded, or the comparison would time empty searches.
  const [oursFound, peerFound] = await Promise.all([oursSearch(queries[0]), peerSearch(queries[0])]);
  const text = (reply) => reply.content?.[0]?.text ?? '';
  if (!(JSON.parse(text(oursFound)).count > 0) || !text(peerFound).includes('observations')) {
    throw new Error(`a search for '${queries[0]}' found nothing: the data did not load where the servers look`);
  }
  const replyFile = join(work, `reply-${size}.json`);
  writeFileSync(replyFile, JSON.stringify(oursFound));
  const floor = await connect(process.execPath, [FIXED_REPLY_SERVER], { FIXED_REPLY: replyFile });
  const floorSearch = (q) => floor.client.callTool({ name: 'search_memories', arguments: { query: q, limit: 10 } });
  const oursTimes = [];
  const peerTimes = [];
  const floorTimes = [];
  const servers = [
    [oursSearch, oursTimes],
    [peerSearch, peerTimes],
    [floorSearch, floorTimes],
  ];
  for (const q of queries.slice(0, 5)) await floorSearch(q); // warm-up
  for (let round = 0; round < (ROUNDS[size] ?? 1); round++) {
    for (const q of queries) {
      // Each round starts with another server.
      const order = [...servers.slice(round % 3), ...servers.slice(0, round % 3)];
      for (const [search, times] of order) {
        // The client collects its garbage first: parsing one server's reply (the peer's run to
        // megabytes) must not be charged to the other server's next call. Then it waits for
        // V8's sweeping of that collection, which goes on in the background and otherwise
        // slows the timed call (a server answering with a fixed reply: 9 ms p50 at 100,000
        // notes held by the client, 2 ms after the wait).
        globalThis.gc?.();
        await sleep(AFTER_GC_MS);
        const started = performance.now();
        const reply = await search(q);
        times.push(performance.now() - started);
        if (reply.isError) throw new Error(`search '${q}' failed: ${JSON.stringify(reply.content)}`);
      }
    }
  }
  // Then searches by meaning (ours only: the peer has none): the first loads the vector index.
  const hybrid = (q) => ours.client.callTool({ name: 'execute_pattern', arguments: { query: `search for ${q}` } });
  const hybridTimes = [];
  for (const q of [...queries, ...queries.map((q, i) => `${q} ${queries[(i * 7 + 3) % queries.length]}`)]) {
    const started = performance.now();
    const reply = await hybrid(q);
    hybridTimes.push(performance.now() - started);
    if (reply.isError) throw new Error(`search for '${q}' failed: ${JSON.stringify(reply.content)}`);
  }
  const firstHybrid = hybridTimes[0];
  const [oursRss, peerRss] = await Promise.all([rss(ours.pid), rss(peer.pid)]);
  await Promise.all([ours.client.close(), peer.client.close(), floor.client.close()]);
  // What each server takes on an empty store, started the same way: "over the start" is beside it.
  const [oursEmpty, peerEmpty] = await Promise.all([
    emptyRss(CLI, ['--db', join(work, `empty-${size}.db`), '--namespace', NAMESPACE, '--agent', AGENT, 'mcp']),
    emptyRss(peerEntry, [], { MEMORY_FILE_PATH: join(work, `empty-${size}.jsonl`) }),
  ]);

  const o = summary(oursTimes.sort((a, b) => a - b));
  const p = summary(peerTimes.sort((a, b) => a - b));
  const f = summary(floorTimes.sort((a, b) => a - b));
  const h = summary(hybridTimes.slice(1).sort((a, b) => a - b));
  const label = size.toLocaleString('en');
  const rows = [
    [
      label,
      'search p50 ms',
      fmt(o.p50),
      fmt(p.p50),
      `1/${(p.p50 / o.p50).toFixed(0)}`,
      fmt(f.p50),
      `1/${(p.p50 / f.p50).toFixed(0)}`,
    ],
    [
      label,
      'search p95 ms',
      fmt(o.p95),
      fmt(p.p95),
      `1/${(p.p95 / o.p95).toFixed(0)}`,
      fmt(f.p95),
      `1/${(p.p95 / f.p95).toFixed(0)}`,
    ],
    [label, 'server RSS after search, MiB', mib(oursRss), mib(peerRss), (oursRss / peerRss).toFixed(2)],
    [label, 'RSS over an empty server, MiB', mib(oursRss - oursEmpty), mib(peerRss - peerEmpty), ''],
    [label, 'first search by meaning, ms', fmt(firstHybrid), 'n/a', ''],
    [label, 'search by meaning p50 / p95 ms', `${fmt(h.p50)} / ${fmt(h.p95)}`, 'n/a', ''],
    [label, 'load /s (start-up included)', rate(size, oursLoad), peerLoadMs === null ? 'n/a' : rate(size, peerLoadMs)],
  ];
  const load = rows.at(-1);
  load.push(peerLoadMs === null ? '' : `${(peerLoadMs / oursLoad).toFixed(2)}×`);
  return rows;
}

/** Words the notes contain at different frequencies: common topics, and rarer vocabulary. */
function pickQueries(notes) {
  const topics = ['security', 'performance', 'database', 'caching', 'latency', 'deploy', 'auth', 'index', 'query'];
  const queries = [...topics];
  for (let i = 0; queries.length < QUERY_COUNT; i += 97) {
    const words = notes[i % notes.length].content.split(' ');
    queries.push(words[(i >> 3) % (words.length - 1)]);
  }
  return queries;
}

function importLine(note) {
  return {
    content: note.content,
    tags: note.tags,
    importance: note.importance,
    access_level: note.accessLevel,
    created_at: new Date(note.createdAt).toISOString(),
  };
}

function peerEntity(note, i) {
  return { name: `note-${i}`, entityType: 'note', observations: [note.content] };
}

async function connect(command, args, env = {}) {
  const transport = new StdioClientTransport({
    command,
    args,
    env: { ...process.env, TMWS_LOG_LEVEL: 'error', TMWS_EMBEDDER: EMBEDDER, ...env },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'tmws-bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

function timeProcess(args) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, TMWS_LOG_LEVEL: 'error', TMWS_EMBEDDER: EMBEDDER },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`tmws-patterns ${args.join(' ')} failed: ${run.stderr}`);
  return performance.now() - started;
}

function rate(count, ms) {
  return Math.round(count / (ms / 1000)).toLocaleString('en');
}

/** RSS of a server just connected to, on an empty store. */
async function emptyRss(entry, args, env = {}) {
  const server = await connect(process.execPath, [entry, ...args], env);
  const bytes = await rss(server.pid);
  await server.client.close();
  return bytes;
}

async function rss(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kib === undefined ? NaN : Number(kib) * 1024;
}

/** The peer's package in ~/.cache (or $XDG_CACHE_HOME), installed once from the npm registry. */
function installPeer() {
  const dir = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'tmws-patterns-bench',
    `server-memory-${PEER_VERSION}`,
  );
  const entry = join(dir, 'node_modules', ...PEER.split('/'), 'dist', 'index.js');
  if (!existsSync(entry)) {
    mkdirSync(dir, { recursive: true });
    console.log(`installing ${PEER}@${PEER_VERSION} into ${dir}`);
    const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', `${PEER}@${PEER_VERSION}`], {
      stdio: 'inherit',
    });
    if (npm.status !== 0) throw new Error(`could not install ${PEER}@${PEER_VERSION}`);
  }
  return entry;
}
