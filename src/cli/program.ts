import { Command, CommanderError, Option } from 'commander';
import { configuredEmbedder } from '../config.js';
import { createPatternExecutionEngine } from '../create-engine.js';
import { EMBEDDER_NAMES } from '../embeddings/create-embedder.js';
import { PatternServiceError } from '../errors.js';
import type { PatternExecutionEngine } from '../execution/engine.js';
import { registerAuthCommands } from './auth-commands.js';
import { EXIT, packageVersion, type CliContext, type CliIo, type GlobalOptions } from './context.js';
import { registerExecCommand } from './exec-command.js';
import { registerMcpCommand } from './mcp-command.js';
import { registerMemoryCommands } from './memory-commands.js';
import { registerMemoryQueryCommands } from './memory-query-commands.js';
import { registerPatternCommands } from './pattern-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerStatsCommand } from './stats-command.js';

export type { CliIo } from './context.js';

const LONG_RUNNING = new Set(['serve', 'mcp']);

/** Runs the CLI and resolves to its exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const engines: PatternExecutionEngine[] = [];
  const program = new Command('tmws-patterns')
    .description('Pattern execution service for AI agents: match, route, execute, cache and account.')
    .version(await packageVersion())
    .option(
      '--db <url>',
      'SQLite file, :memory: or postgres://… (default: TMWS_DATABASE_URL, else the user data directory)',
    )
    .option('--namespace <name>', 'namespace to read and write', 'default')
    .option('--agent <id>', 'agent id to act as', 'default')
    .option('--patterns <path>', 'YAML/JSON pattern file or directory instead of the built-in catalog')
    .addOption(
      new Option(
        '--embedder <name>',
        "embedder: local (offline sentence encoder), hashing (lexical) or openai (TMWS_EMBEDDING_URL/_MODEL); default: TMWS_EMBEDDER, else the database's own, else local",
      ).choices(EMBEDDER_NAMES),
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)');

  // One-shot commands leave new memories' vectors to the next process that needs them
  // instead of loading a model to embed them before exiting; servers embed in the background.
  let longRunning = false;
  program.hook('preAction', (_program, command) => void (longRunning = LONG_RUNNING.has(command.name())));
  const context: CliContext = {
    io,
    globals: () => program.opts<GlobalOptions>(),
    openEngine: async (extra = {}) => {
      const globals = program.opts<GlobalOptions>();
      const engine = await createPatternExecutionEngine({
        ...(globals.db !== undefined && { databaseUrl: globals.db }),
        ...(globals.patterns !== undefined && { patterns: globals.patterns }),
        ...(globals.embedder !== undefined && { embedder: configuredEmbedder(globals.embedder) }),
        backgroundEmbedding: longRunning,
        ...extra,
      });
      engines.push(engine);
      return engine;
    },
    fail: (code) => void (exitCode = code),
  };

  registerExecCommand(program, context);
  registerPatternCommands(program, context);
  registerMemoryQueryCommands(registerMemoryCommands(program, context), context);
  registerStatsCommand(program, context);
  registerServeCommand(program, context);
  registerMcpCommand(program, context);
  registerAuthCommands(program, context);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, io);
  } finally {
    for (const engine of engines) await engine.close();
  }
  return exitCode;
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version exit with code 0; usage errors have already been printed by commander.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof PatternServiceError) {
    io.stderr.write(`error [${error.code}]: ${error.message}\n`);
    return error.code === 'VALIDATION_ERROR' || error.code === 'PAYLOAD_TOO_LARGE' ? EXIT.usage : EXIT.failed;
  }
  io.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  return EXIT.failed;
}
