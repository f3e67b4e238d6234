/**
 * @module execution/batched-import
 * How an import of any size runs in bounded memory: every record is checked first, one batch
 * held at a time (a bad record imports nothing), then the memories go in a transaction per
 * batch. A source that cannot be read twice (a generator, a stream) has its checked
 * memories kept in a temporary file between the two passes.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ValidationError } from '../errors.js';
import type { ImportedMemory } from '../memory/store.js';
import { checkMemoryImport, type ImportDefaults, type ImportIssue } from './memory-import.js';

/**
 * Records to import: an array, or any iterable or async iterable (a generator over a file, a
 * database cursor), read once. A record the source could not read (a line that is not JSON)
 * may be given as an Error: it is a bad record with the Error's message.
 */
export type ImportSource = Iterable<unknown> | AsyncIterable<unknown>;

export interface ImportOptions {
  /**
   * Memories per transaction, and so the most held at once. An array is one batch whatever its
   * length (it is in memory already). @default 100,000
   */
  batchSize?: number;
  /** How many memories are in so far, of how many: called during the import, after every record was checked. */
  onProgress?: (done: number, total: number) => void;
  /** Values for fields that records leave out (the CLI's --namespace and --agent). */
  defaults?: ImportDefaults;
}

export interface ImportCounts {
  created: number;
  updated: number;
}

/** Imports one checked batch in one transaction; `onProgress` hears how many of it are in. */
export type ImportBatch = (
  memories: readonly ImportedMemory[],
  onProgress: (done: number) => void,
) => Promise<ImportCounts>;

/**
 * Memories per import transaction. A million records peaked at 0.75 GB in batches of this
 * size, against 3.5 GB held at once (near Node's default heap limit of ~4 GB here).
 */
export const IMPORT_BATCH = 100_000;
/** Bad records kept in the error's details (all are counted). */
export const MAX_KEPT_ISSUES = 100;
const SHOWN_ISSUES = 5;

/**
 * Checks every record of `source`, then imports them a batch per call of `importBatch`.
 * Throws a ValidationError naming the bad records (details: `issues`, the first 100 with
 * their position in the source, and `invalid`, how many) before anything is written. A source
 * of more than one batch goes in a transaction per batch: should the store fail part-way, the
 * batches before are in (importing again updates them: identical content is not duplicated).
 * An error the source throws is thrown as it is, nothing written.
 */
export async function importInBatches(
  source: ImportSource,
  options: ImportOptions,
  importBatch: ImportBatch,
): Promise<ImportCounts> {
  if (!isIterable(source))
    throw new ValidationError('memories: expected an array or an iterable of memories to import');
  const size = Array.isArray(source) ? Number.POSITIVE_INFINITY : (options.batchSize ?? IMPORT_BATCH);
  const spool = new CheckedSpool();
  try {
    const checked = await checkAll(source, size, options.defaults ?? {}, spool);
    if (checked.invalid > 0) throw invalidImport(checked);
    const total = checked.valid;
    const counts = { created: 0, updated: 0 };
    const batches = checked.only ? [checked.only] : spool.read(size);
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      const before = counts.created + counts.updated;
      const done = await importBatch(batch, (n) => options.onProgress?.(before + n, total));
      counts.created += done.created;
      counts.updated += done.updated;
    }
    return counts;
  } finally {
    await spool.remove();
  }
}

interface CheckResult {
  records: number;
  valid: number;
  invalid: number;
  issues: ImportIssue[];
  /** The source's one batch, when it held no more: imported without the spool. */
  only: readonly ImportedMemory[] | undefined;
}

async function checkAll(
  source: ImportSource,
  size: number,
  defaults: ImportDefaults,
  spool: CheckedSpool,
): Promise<CheckResult> {
  const result: CheckResult = { records: 0, valid: 0, invalid: 0, issues: [], only: undefined };
  let pending: unknown[] = [];
  const check = async (): Promise<void> => {
    const first = result.records - pending.length;
    const { memories, issues } = checkBatch(pending, defaults);
    pending = [];
    result.valid += memories.length;
    result.invalid += issues.length;
    for (const issue of issues.slice(0, MAX_KEPT_ISSUES - result.issues.length)) {
      result.issues.push({ index: first + issue.index, message: issue.message });
    }
    if (result.invalid > 0) return; // nothing will be imported: keep nothing
    if (result.only === undefined && !spool.started) result.only = memories;
    else {
      if (result.only) await spool.write(result.only);
      result.only = undefined;
      await spool.write(memories);
    }
  };
  for await (const record of source) {
    pending.push(record);
    result.records++;
    if (pending.length >= size) await check();
  }
  if (pending.length > 0 || result.records === 0) await check();
  return result;
}

/** checkMemoryImport, with a record the source could not read (an Error) a bad record of its own. */
function checkBatch(
  records: unknown[],
  defaults: ImportDefaults,
): { memories: ImportedMemory[]; issues: ImportIssue[] } {
  const readable: unknown[] = [];
  const positions: number[] = [];
  const issues: ImportIssue[] = [];
  records.forEach((record, index) => {
    if (record instanceof Error) issues.push({ index, message: record.message });
    else {
      readable.push(record);
      positions.push(index);
    }
  });
  const checked = checkMemoryImport(readable, defaults);
  for (const issue of checked.issues) issues.push({ index: positions[issue.index]!, message: issue.message });
  issues.sort((a, b) => a.index - b.index);
  return { memories: [...checked.memories], issues };
}

function invalidImport({ records, invalid, issues }: CheckResult): ValidationError {
  const shown = issues.slice(0, SHOWN_ISSUES).map((i) => `memories[${i.index}]: ${i.message}`);
  return new ValidationError(
    `${invalid} of ${records} memories are invalid; nothing was imported: ${shown.join('; ')}${invalid > SHOWN_ISSUES ? '; …' : ''}`,
    { details: { issues, invalid } },
  );
}

/** Checked memories between the two passes, one JSON line each, in a private temporary directory. */
class CheckedSpool {
  #dir: string | undefined;
  #out: WriteStream | undefined;

  get started(): boolean {
    return this.#out !== undefined;
  }

  async write(memories: readonly ImportedMemory[]): Promise<void> {
    if (!this.#out) {
      this.#dir = await mkdtemp(join(tmpdir(), 'tmws-import-'));
      this.#out = createWriteStream(join(this.#dir, 'checked.jsonl'));
    }
    for (const memory of memories) {
      if (!this.#out.write(`${JSON.stringify(memory)}\n`)) await once(this.#out, 'drain');
    }
  }

  async *read(size: number): AsyncGenerator<readonly ImportedMemory[]> {
    if (!this.#out || !this.#dir) return;
    this.#out.end();
    await once(this.#out, 'finish');
    const input = createReadStream(join(this.#dir, 'checked.jsonl'), 'utf8');
    try {
      let batch: ImportedMemory[] = [];
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        batch.push(JSON.parse(line) as ImportedMemory);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      input.destroy();
    }
  }

  async remove(): Promise<void> {
    this.#out?.destroy();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}

function isIterable(value: unknown): value is ImportSource {
  if (typeof value !== 'object' || value === null) return false;
  return Symbol.iterator in value || Symbol.asyncIterator in value;
}
