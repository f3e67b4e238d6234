/**
 * @module cli/context
 * What every command shares: its output streams, the global flags, a way to open the engine
 * they describe, exit codes and the common option parsers. Commands import this, never
 * program.ts, which imports the commands.
 */
import type { Readable } from 'node:stream';
import { InvalidArgumentError, Option } from 'commander';
import type { EngineOptions } from '../create-engine.js';
import type { PatternExecutionEngine } from '../execution/engine.js';
import { EXECUTION_MODES } from '../patterns/pattern-type.js';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  /** Read by `mcp` (the stdio protocol). @default process.stdin */
  stdin?: Readable;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface GlobalOptions {
  db?: string;
  embedder?: 'local' | 'hashing' | 'openai';
  namespace: string;
  agent: string;
  patterns?: string;
}

/** What every command gets: its output streams and a way to open the engine the flags describe. */
export interface CliContext {
  io: CliIo;
  globals(): GlobalOptions;
  openEngine(extra?: EngineOptions): Promise<PatternExecutionEngine>;
  /** Sets the process exit code without throwing. */
  fail(code: number): void;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function modeOption(): Option {
  return new Option('-m, --mode <mode>', 'execution mode').choices(EXECUTION_MODES).default('balanced');
}

export function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
