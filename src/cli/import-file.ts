import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ValidationError } from '../errors.js';
import { wholeNumberIn } from '../validation.js';

/** Bad lines reported by name; the rest are counted. */
export const MAX_REPORTED_ERRORS = 20;
const MAX_IMPORT_BATCH = 1_000_000;

/** The records of a JSON Lines file, and the line each came from. */
export interface ImportFile {
  /** One value per non-blank line: its JSON, or an Error saying it is not JSON (a bad record to the import). */
  records: AsyncIterable<unknown>;
  /** The line number (from 1) of the record at `index`; valid once the records were read. */
  lineOf(index: number): number;
  /** Lines read, blank ones included. */
  lines(): number;
}

/**
 * Reads a JSON Lines file once, a line at a time: each line one memory in the export format
 * (or the wire's snake_case names). The engine checks and imports them (importMemories); this
 * only turns lines into records and remembers where blank lines shift the numbering.
 */
export function readImportFile(file: string): ImportFile {
  // Record index where the count of blank lines before it grows: [from index, blank lines so far].
  const shifts: Array<[number, number]> = [];
  let lineNumber = 0;
  async function* records(): AsyncGenerator<unknown> {
    const input = createReadStream(file, 'utf8');
    let index = 0;
    try {
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        lineNumber++;
        if (line.trim() === '') {
          shifts.push([index, lineNumber - index]);
          continue;
        }
        index++;
        try {
          yield JSON.parse(line);
        } catch (error) {
          yield new Error(`not valid JSON (${(error as Error).message})`);
        }
      }
    } catch (error) {
      // The file's own errors (missing, unreadable, a directory) are bad input, not a failure.
      if (!(error instanceof Error && 'syscall' in error)) throw error;
      throw new ValidationError(`cannot read '${file}': ${error.message}`, { cause: error });
    } finally {
      input.destroy(); // when the import stops early, the file is closed too
    }
  }
  return {
    records: records(),
    lineOf: (index) => {
      let blanks = 0;
      for (const [from, count] of shifts) {
        if (from > index) break;
        blanks = count;
      }
      return index + 1 + blanks;
    },
    lines: () => lineNumber,
  };
}

export function checkedImportBatch(size: number): number {
  return wholeNumberIn('--batch-size', size, 1, MAX_IMPORT_BATCH);
}
