// Agent-commands evaluation: `npm run eval -- intents [--set commands] [--world world] [--verbose] [--json] [--dist <dir>]`.
// Runs each command of intents/commands.json against a fresh engine holding the memories of
// intents/world.json (agents, known creation times, the hashing embedder, a fixed clock)
// and checks, black-box, what the engine did: the memories it returned, the memories left in
// the store, the error code. Prints a table per category and the silent wrong actions: a read
// that answered a write with success, or any memory deleted, changed or added that the
// command did not name or that is not the caller's.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: new URL('../dist/', import.meta.url).pathname },
    verbose: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    set: { type: 'string', default: 'commands' },
    world: { type: 'string', default: 'world' },
  },
});
const lib = await import(pathToFileURL(`${args.dist.replace(/\/$/, '')}/index.js`).href);
const { pino } = await import('pino');
const world = JSON.parse(readFileSync(new URL(`./intents/${args.world}.json`, import.meta.url), 'utf8'));
const commands = JSON.parse(readFileSync(new URL(`./intents/${args.set}.json`, import.meta.url), 'utf8'));
const CATEGORIES = ['time', 'counts', 'tags', 'order', 'forget', 'change', 'refusals', 'reads'];
const WRITE_CATEGORIES = new Set(['forget', 'change']);
const now = Date.parse(world.now);
const context = { agentId: world.caller, namespace: world.namespace, timezone: world.timezone };

async function freshEngine() {
  const engine = await lib.createPatternExecutionEngine({
    databaseUrl: ':memory:',
    embedder: 'hashing',
    clock: () => now,
    recordExecutions: false,
    logger: pino({ level: 'silent' }),
  });
  await engine.importMemories(
    world.memories.map((m) => ({
      namespace: world.namespace,
      agentId: m.agent,
      content: m.content,
      tags: m.tags,
      importance: m.importance,
      accessLevel: m.accessLevel ?? 'private',
      ...(m.sharedWith && { sharedWith: m.sharedWith }),
      createdAt: new Date(now - m.hoursAgo * 3_600_000).toISOString(),
    })),
  );
  return engine;
}

/** Every memory of the namespace, whoever owns it: what a command left in the store. */
async function snapshot(engine) {
  const byId = new Map();
  for await (const m of engine.exportMemories(world.namespace)) byId.set(m.id, m);
  return byId;
}

const keyOfContent = new Map(world.memories.map((m) => [m.content, m.key]));

/** The memories a result lists, as world keys (unknown content as itself). */
function returnedKeys(result, idToKey) {
  if (!result) return [];
  const lists = [result.memories, result.topMemories, result.left?.topMemories, result.right?.topMemories];
  const found = lists.filter(Array.isArray).flat();
  return found.map((m) => idToKey.get(m.id) ?? m.content);
}

function check(command, outcome) {
  const problems = [];
  const { code, result, returned, deleted, changed, added, readAnsweredWrite } = outcome;
  const expectedErrors = command.error ?? [];
  if (expectedErrors.length > 0 && !expectedErrors.includes(code)) {
    problems.push(`expected ${expectedErrors.join(' or ')}, got ${code ?? 'success'}`);
  }
  if (expectedErrors.length === 0 && code !== null) problems.push(`expected success, got ${code}`);
  for (const key of command.includes ?? []) if (!returned.includes(key)) problems.push(`missing ${key}`);
  for (const key of command.excludes ?? []) if (returned.includes(key)) problems.push(`returned ${key}`);
  if (command.only) {
    for (const key of returned) if (!command.only.includes(key)) problems.push(`returned ${key} (outside)`);
  }
  if (command.ordered && JSON.stringify(returned) !== JSON.stringify(command.ordered)) {
    problems.push(`order ${JSON.stringify(returned)}, expected ${JSON.stringify(command.ordered)}`);
  }
  if (
    command.orderedPrefix &&
    JSON.stringify(returned.slice(0, command.orderedPrefix.length)) !== JSON.stringify(command.orderedPrefix)
  ) {
    problems.push(`order ${JSON.stringify(returned)} does not start with ${JSON.stringify(command.orderedPrefix)}`);
  }
  if (command.count !== undefined && result?.count !== command.count) {
    problems.push(`count ${result?.count}, expected ${command.count}`);
  }
  if (command.tags) {
    const got = Object.fromEntries((result?.tags ?? []).map((t) => [t.tag, t.count]));
    if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(command.tags))) {
      problems.push(`tags ${JSON.stringify(got)}`);
    }
  }
  const expectedDeleted = command.deleted ?? [];
  if (JSON.stringify([...deleted].sort()) !== JSON.stringify([...expectedDeleted].sort())) {
    problems.push(`deleted ${JSON.stringify(deleted)}, expected ${JSON.stringify(expectedDeleted)}`);
  }
  const expectedChanged = command.changed ?? {};
  if (JSON.stringify(Object.keys(changed).sort()) !== JSON.stringify(Object.keys(expectedChanged).sort())) {
    problems.push(
      `changed ${JSON.stringify(Object.keys(changed))}, expected ${JSON.stringify(Object.keys(expectedChanged))}`,
    );
  }
  for (const [key, text] of Object.entries(expectedChanged)) {
    if (text !== null && changed[key] !== undefined && !changed[key].includes(text)) {
      problems.push(`${key} now says '${changed[key]}'`);
    }
  }
  if (added.length > 0) problems.push(`added ${added.length} memories`);

  // Silent wrong actions: never acceptable, whatever the category.
  const silent = [];
  if (readAnsweredWrite) silent.push('a read answered a write with success');
  const named = new Set([...expectedDeleted, ...Object.keys(expectedChanged)]);
  for (const key of [...deleted, ...Object.keys(changed)]) {
    const owner = world.memories.find((m) => m.key === key)?.agent;
    if (!named.has(key)) silent.push(`${key} changed or deleted, not named`);
    else if (owner !== world.caller) silent.push(`${key} of ${owner} changed or deleted`);
  }
  if (added.length > 0) silent.push(`${added.length} memories added`);
  return { right: problems.length === 0 && silent.length === 0, problems, silent };
}

function sorted(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

async function run(command) {
  const engine = await freshEngine();
  try {
    const before = await snapshot(engine);
    const idToKey = new Map([...before].map(([id, m]) => [id, keyOfContent.get(m.content)]));
    let result = null;
    let code = null;
    let action = null;
    try {
      const executed = await engine.execute(command.command, { context, useCache: false });
      action = executed.metadata.action;
      result = executed.result;
      code = executed.success ? null : executed.errorCode;
    } catch (error) {
      code = error.code ?? 'THROWN';
    }
    const after = await snapshot(engine);
    const deleted = [...before.keys()].filter((id) => !after.has(id)).map((id) => idToKey.get(id));
    const changed = {};
    for (const [id, m] of after) {
      const old = before.get(id);
      if (!old) continue;
      if (
        old.content !== m.content ||
        JSON.stringify(old.tags) !== JSON.stringify(m.tags) ||
        old.importance !== m.importance ||
        old.accessLevel !== m.accessLevel
      ) {
        changed[idToKey.get(id)] = m.content;
      }
    }
    const added = [...after.keys()].filter((id) => !before.has(id));
    const writeIntent = WRITE_CATEGORIES.has(command.category) || command.category === 'refusals';
    const readAnsweredWrite = writeIntent && code === null && action !== null && lib.ACTIONS[action]?.kind === 'read';
    const returned = returnedKeys(result, idToKey);
    return { code, action, result, returned, deleted, changed, added, readAnsweredWrite };
  } finally {
    await engine.close();
  }
}

const rows = [];
for (const command of commands) {
  const outcome = await run(command);
  rows.push({ ...command, action: outcome.action, code: outcome.code, ...check(command, outcome) });
}

if (args.json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const agents = new Set(world.memories.map((m) => m.agent)).size;
  console.log(
    `# Agent commands (${args.set}): ${commands.length} commands over ${world.memories.length} memories of ${agents} agents (hashing embedder, ${world.now} ${world.timezone})\n`,
  );
  console.log('| category | commands | right | share |');
  console.log('|---|---|---|---|');
  for (const category of [...CATEGORIES, 'all']) {
    const picked = rows.filter((r) => category === 'all' || r.category === category);
    const right = picked.filter((r) => r.right).length;
    const label = category === 'all' ? '**all**' : category;
    console.log(`| ${label} | ${picked.length} | ${right} | ${Math.round((right / picked.length) * 100)} % |`);
  }
  const silent = rows.flatMap((r) => r.silent.map((s) => `${r.id} "${r.command}": ${s}`));
  console.log(`\nSilent wrong actions: ${silent.length}`);
  for (const line of silent) console.log(`  ${line}`);
  const wrong = rows.filter((r) => !r.right);
  if (args.verbose || wrong.length > 0) {
    console.log(`\nNot right (${wrong.length}):`);
    for (const r of wrong)
      console.log(
        `  ${r.id} [${r.category}] "${r.command}" → ${r.action ?? r.code}: ${[...r.problems, ...r.silent].join('; ')}`,
      );
  }
}
