/**
 * @module cli/memory-query-commands
 * `memory search`, `memory history` and `memory restore`: the engine's memory operations as
 * the local user (the global --namespace and --agent), printed as a table or, with --json, as
 * the library returns them.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { MemorySearch } from '../execution/memory-operations.js';
import type { Memory } from '../memory/store.js';
import type { CliContext } from './context.js';
import { table } from './format.js';

/** These commands match no commands: the engine opens without its pattern catalog. */
const NO_PATTERNS = { patterns: [] } as const;
const SNIPPET = 60;

/** The library's search, but `--tag` (repeatable) for its tags and `--json` for the output. */
type SearchOptions = Omit<MemorySearch, 'query' | 'tags'> & { tag?: string[]; json?: boolean };

export function registerMemoryQueryCommands(memory: Command, cli: CliContext): void {
  memory
    .command('search')
    .description('search the memories the agent may see: full text, or full text and vectors (--mode hybrid)')
    .argument('[query]', 'words to search for; without them, a listing (newest first in a --since/--until window)')
    .option('--tag <tag...>', 'every one of these tags')
    .option('--min-importance <n>', 'importance at least (0–1)', number)
    .option('--limit <n>', 'results at most (1–100)', number)
    .addOption(new Option('--mode <mode>', 'search mode').choices(['lexical', 'hybrid']))
    .option('--since <when>', "created at or after: 7d, 2w, 24h, 2026-12-01, 'last Monday'…")
    .option('--until <when>', 'created before: as --since')
    .option('--timezone <zone>', "IANA time zone of calendar words and dates (default: this machine's)")
    .option('--json', 'print the memories as JSON')
    .action(async (query: string | undefined, options: SearchOptions) => {
      const engine = await cli.openEngine(NO_PATTERNS);
      const { memories, vectors } = await engine.searchMemories(scopeOf(cli), {
        ...(query !== undefined && { query }),
        ...(options.tag !== undefined && { tags: options.tag }),
        ...(options.minImportance !== undefined && { minImportance: options.minImportance }),
        ...(options.limit !== undefined && { limit: options.limit }),
        ...(options.mode !== undefined && { mode: options.mode }),
        ...(options.since !== undefined && { since: options.since }),
        ...(options.until !== undefined && { until: options.until }),
        ...(options.timezone !== undefined && { timezone: options.timezone }),
      });
      if (vectors !== undefined) cli.io.stderr.write(`vectors ${vectors}\n`);
      cli.io.stdout.write(options.json ? `${JSON.stringify(memories, null, 2)}\n` : memoryTable(memories));
    });

  memory
    .command('history')
    .description("the kept versions of one of the agent's own memories (before each change or its deletion)")
    .argument('<id>', 'memory id')
    .option('--json', 'print the versions as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const engine = await cli.openEngine(NO_PATTERNS);
      const versions = await engine.memoryHistory(scopeOf(cli), id);
      if (options.json) {
        cli.io.stdout.write(`${JSON.stringify(versions, null, 2)}\n`);
        return;
      }
      if (versions.length === 0) {
        cli.io.stdout.write(`memory ${id} has no earlier versions\n`);
        return;
      }
      const rows = versions.map((v) => [
        String(v.version),
        v.change,
        v.changedAt,
        v.changedBy,
        snippet(v.memory.content),
      ]);
      cli.io.stdout.write(table(['version', 'replaced by', 'at', 'by', 'content then'], rows));
    });

  memory
    .command('restore')
    .description('undo a delete or a change: bring back a kept version (the latest unless --version)')
    .argument('<id>', 'memory id')
    .option('--version <n>', 'the version to bring back (see memory history)', number)
    .option('--json', 'print the restored memory as JSON')
    .action(async (id: string, options: { version?: number; json?: boolean }) => {
      const engine = await cli.openEngine(NO_PATTERNS);
      const memory = await engine.restoreMemory(scopeOf(cli), id, options.version);
      cli.io.stdout.write(
        options.json ? `${JSON.stringify(memory, null, 2)}\n` : `✓ Restored ${memory.id}: ${snippet(memory.content)}\n`,
      );
    });
}

function scopeOf(cli: CliContext): { namespace: string; agentId: string } {
  const { namespace, agent } = cli.globals();
  return { namespace, agentId: agent };
}

function memoryTable(memories: readonly Memory[]): string {
  if (memories.length === 0) return 'no memories found\n';
  const rows = memories.map((m) => [
    m.id,
    m.createdAt.slice(0, 16).replace('T', ' '),
    m.tags.join(','),
    snippet(m.content),
  ]);
  return table(['id', 'created (UTC)', 'tags', 'content'], rows);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET - 1)}…` : flat;
}

function number(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError(`'${value}' is not a number`);
  return parsed;
}
