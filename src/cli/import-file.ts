import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ValidationError } from '../errors.js';
import { checkMemoryImport, type ImportDefaults } from '../execution/memory-import.js';
import type { ImportedMemory } from '../memory/store.js';
import { wholeNumberIn } from '../validation.js';

/** Bad lines reported by name; the rest are counted. */
export const MAX_REPORTED_ERRORS = 20;
/**
 * Memories per import transaction. A file of up to this many is read once and imported in one
 * transaction; a larger one is checked first, then read again and imported a batch at a time,
 * so memory stays bounded: a million lines peaked at 0.75 GB, against 3.5 GB held at once (near
 * Node's default heap limit of ~4 GB here).
 */
export const IMPORT_BATCH = 100_000;
const MAX_IMPORT_BATCH = 1_000_000;

/** A bad line of an import file: its number (from 1) and what is wrong with it. */
export interface LineError {
  line: number;
  message: string;
}

/** Up to `size` memories of an import file, checked, with the problems of its lines (the last batch may be empty). */
export interface ImportBatch {
  memories: readonly ImportedMemory[];
  errors: LineError[];
  /** The last line number read, blank lines included. */
  lastLine: number;
}

/**
 * Reads a JSON Lines file in batches of `size` non-blank lines: each line one memory in the
 * export format (or the wire's snake_case names), its namespace and agent defaulting to
 * `defaults`. Lines are checked with the engine's own schema (checkMemoryImport), so the CLI
 * accepts exactly what the engine imports; only one batch is held at a time.
 */
export async function* readImportBatches(
  file: string,
  defaults: ImportDefaults,
  size: number,
): AsyncGenerator<ImportBatch> {
  let parsed: unknown[] = [];
  let lineOf: number[] = [];
  let errors: LineError[] = [];
  let lineNumber = 0;
  const batch = (): ImportBatch => {
    const { memories, issues } = checkMemoryImport(parsed, defaults);
    for (const issue of issues) errors.push({ line: lineOf[issue.index]!, message: issue.message });
    errors.sort((a, b) => a.line - b.line);
    const done = { memories, errors, lastLine: lineNumber };
    [parsed, lineOf, errors] = [[], [], []];
    return done;
  };
  const input = createReadStream(file, 'utf8');
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNumber++;
      if (line.trim() === '') continue;
      try {
        parsed.push(JSON.parse(line));
        lineOf.push(lineNumber);
      } catch (error) {
        errors.push({ line: lineNumber, message: `not valid JSON (${(error as Error).message})` });
      }
      if (parsed.length + errors.length >= size) yield batch();
    }
    yield batch(); // the rest, if any, and the file's last line number
  } catch (error) {
    // The file's own errors (missing, unreadable, a directory) are bad input, not a failure.
    if (!(error instanceof Error && 'syscall' in error)) throw error;
    throw new ValidationError(`cannot read '${file}': ${error.message}`, { cause: error });
  } finally {
    input.destroy(); // when the reader stops early (a failed batch), the file is closed too
  }
}

/** What checking an import file found: its valid memories and first errors, counted. */
export interface CheckedImport {
  memories: number;
  lines: number;
  errors: LineError[];
  errorCount: number;
  /** The file's one batch, kept when it has no more: it needs no second reading. */
  only: ImportBatch | undefined;
}

/**
 * Checks every line of an import file, holding one batch at a time and the first errors. A
 * pipe can be read only once, so it is read as one batch, whatever its size.
 */
export async function checkImportFile(file: string, defaults: ImportDefaults, size: number): Promise<CheckedImport> {
  const checked: CheckedImport = { memories: 0, lines: 0, errors: [], errorCount: 0, only: undefined };
  if (!(await isRegularFile(file))) size = Number.POSITIVE_INFINITY;
  let withMemories = 0;
  for await (const batch of readImportBatches(file, defaults, size)) {
    checked.memories += batch.memories.length;
    checked.lines = batch.lastLine;
    checked.errorCount += batch.errors.length;
    checked.errors.push(...batch.errors.slice(0, MAX_REPORTED_ERRORS - checked.errors.length));
    if (batch.memories.length > 0) withMemories++;
    // Kept while it is the only one: a second means reading again, so none is held.
    checked.only = withMemories === 1 ? (checked.only ?? batch) : undefined;
  }
  return checked;
}

/**
 * The second reading of a file differs from the first (a line now bad, or lines missing): it
 * was written to meanwhile. `imported` memories before that point are in.
 */
export function changedWhileImporting(file: string, what: string, imported: number) {
  return new ValidationError(
    `'${file}' changed while it was imported: ${what}; ${imported} memories before that are in ` +
      '(importing the file again updates them)',
  );
}

async function isRegularFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false; // missing: reading it says so
  }
}

export function checkedImportBatch(size: number): number {
  return wholeNumberIn('--batch-size', size, 1, MAX_IMPORT_BATCH);
}
