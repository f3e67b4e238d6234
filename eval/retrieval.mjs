// Retrieval evaluation: `npm run eval [-- --embedders hashing,local] [--dist <built package dir>]`.
// Prints Recall@5, MRR@10 and nDCG@10 per query kind and split, per path (recall, search, bare
// question) and per embedder, beside a plain BM25 baseline (SQLite FTS5 over the same memories).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const { values: args } = parseArgs({
  options: {
    embedders: { type: 'string', default: 'hashing,local' },
    dist: { type: 'string', default: new URL('../dist/', import.meta.url).pathname },
    json: { type: 'boolean', default: false },
  },
});
const lib = await import(pathToFileURL(`${args.dist.replace(/\/$/, '')}/index.js`).href);
const memories = JSON.parse(readFileSync(new URL('./memories.json', import.meta.url), 'utf8'));
const queries = JSON.parse(readFileSync(new URL('./queries.json', import.meta.url), 'utf8')).map((q) => ({
  ...q,
  // The dev split (every 4th query) is the only one thresholds were looked at on; test is never tuned on.
  split: Number(q.id.slice(1)) % 4 === 0 ? 'dev' : 'test',
}));
const K = 5;
const scope = { namespace: 'eval', agentId: 'eval' };

function metrics(ranked, relevant) {
  const top5 = ranked.slice(0, K);
  const recall = relevant.filter((id) => top5.includes(id)).length / relevant.length;
  const first = ranked.slice(0, 10).findIndex((id) => relevant.includes(id));
  const mrr = first === -1 ? 0 : 1 / (first + 1);
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, i) => (dcg += relevant.includes(id) ? 1 / Math.log2(i + 2) : 0));
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.length, 10); i++) ideal += 1 / Math.log2(i + 2);
  return { recall, mrr, ndcg: dcg / ideal };
}

function bm25Baseline() {
  const db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, content, tokenize = 'porter unicode61')");
  const insert = db.prepare('INSERT INTO docs (id, content) VALUES (?, ?)');
  for (const m of memories) insert.run(m.id, m.content);
  const search = db.prepare('SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10');
  return (text) => {
    const terms = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    return terms.length === 0 ? [] : search.all(terms.map((t) => `"${t}"`).join(' OR ')).map((r) => r.id);
  };
}

async function engineFor(name) {
  const embedder =
    typeof lib.createEmbedder === 'function' ? name : name === 'hashing' ? new lib.HashingEmbedder() : undefined;
  if (embedder === undefined) return undefined; // an older build without this embedder
  const engine = await lib.createPatternExecutionEngine({
    databaseUrl: ':memory:',
    embedder,
    recordExecutions: false,
    logger: (await import('pino')).pino({ level: 'silent' }),
  });
  const started = performance.now();
  await engine.importMemories(
    memories.map((m) => ({ content: m.content, tags: m.tags, ...scope, accessLevel: 'team' })),
  );
  await engine.embedPendingMemories?.();
  const indexMs = performance.now() - started;
  const idOf = new Map();
  for await (const m of engine.exportMemories('eval')) idOf.set(m.id, memories.find((x) => x.content === m.content).id);
  return { engine, idOf, indexMs };
}

async function run(engine, idOf, query) {
  try {
    const r = await engine.execute(query, { context: { ...scope, limit: 10 }, useCache: false });
    if (!r.success) return { answered: false, ids: [] };
    const list = r.result.memories ?? r.result.topMemories ?? [];
    return { answered: true, ids: list.map((m) => idOf.get(m.id)), pattern: r.patternName };
  } catch {
    return { answered: false, ids: [] };
  }
}

const rows = [];
const add = (embedder, path, q, ranked, answered = true) =>
  rows.push({ embedder, path, kind: q.kind, split: q.split, answered, ...metrics(ranked, q.relevant), id: q.id });

const bm25 = bm25Baseline();
for (const q of queries) add('bm25', 'baseline', q, bm25(q.text));

const notes = [];
for (const name of args.embedders.split(',')) {
  const built = await engineFor(name);
  if (!built) continue;
  const { engine, idOf, indexMs } = built;
  notes.push(`${name}: indexed ${memories.length} memories in ${Math.round(indexMs)} ms`);
  for (const q of queries) {
    add(name, 'recall', q, (await run(engine, idOf, `recall ${q.text}`)).ids);
    add(name, 'search', q, (await run(engine, idOf, `search for ${q.text}`)).ids);
    const asked = await run(engine, idOf, q.question);
    add(name, 'question', q, asked.ids, asked.answered);
  }
  await engine.close();
}

function summarize(filter) {
  const picked = rows.filter(filter);
  if (picked.length === 0) return null;
  const mean = (key) => picked.reduce((s, r) => s + r[key], 0) / picked.length;
  return {
    n: picked.length,
    recall: mean('recall'),
    mrr: mean('mrr'),
    ndcg: mean('ndcg'),
    answered: picked.filter((r) => r.answered).length / picked.length,
  };
}

if (args.json) {
  console.log(JSON.stringify(rows));
} else {
  const f = (x) => x.toFixed(2);
  console.log(
    `# Retrieval eval: ${memories.length} memories, ${queries.length} queries (dev ${queries.filter((q) => q.split === 'dev').length}, test ${queries.filter((q) => q.split === 'test').length})`,
  );
  for (const note of notes) console.log(`# ${note}`);
  console.log('\n| embedder | path | split | kind | n | Recall@5 | MRR@10 | nDCG@10 | answered |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const combos = [...new Set(rows.map((r) => `${r.embedder}\u0001${r.path}`))];
  for (const combo of combos) {
    const [embedder, path] = combo.split('\u0001');
    for (const split of ['all', 'test', 'dev']) {
      for (const kind of ['all', 'lexical', 'paraphrase', 'abbreviation']) {
        if (split !== 'all' && kind !== 'all') continue;
        const s = summarize(
          (r) =>
            r.embedder === embedder &&
            r.path === path &&
            (split === 'all' || r.split === split) &&
            (kind === 'all' || r.kind === kind),
        );
        if (s)
          console.log(
            `| ${embedder} | ${path} | ${split} | ${kind} | ${s.n} | ${f(s.recall)} | ${f(s.mrr)} | ${f(s.ndcg)} | ${Math.round(s.answered * 100)}% |`,
          );
      }
    }
  }
}
