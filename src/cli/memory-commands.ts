import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { configuredEmbedder } from '../config.js';
import { createEmbedder, DEFAULT_EMBEDDER } from '../embeddings/create-embedder.js';
import { checkedBatchSize } from '../embeddings/embedder.js';
import { BATCH_JOB_MODEL_THREADS } from '../embeddings/local-embedder.js';
import { ValidationError } from '../errors.js';
import { EXIT, type CliContext, type CliIo } from './context.js';
import { letYoungGenerationGrow } from './heap-flags.js';
import { IMPORT_BATCH } from '../execution/batched-import.js';
import type { ImportIssue } from '../execution/memory-import.js';
import { checkedImportBatch, MAX_REPORTED_ERRORS, readImportFile, type ImportFile } from './import-file.js';

/**
 * The memory commands match no commands, so their engine opens without patterns: parsing and
 * compiling the catalog would cost ~70 ms of every run's start-up.
 */
const NO_PATTERNS = { patterns: [] } as const;
/** Below this many lines a progress bar would only flicker. */
const PROGRESS_MIN = 1000;

/** Registers `memory import|reembed|export`; returns the `memory` command, for its other subcommands. */
export function registerMemoryCommands(program: Command, cli: CliContext): Command {
  const memory = program
    .command('memory')
    .description('import and export memories as JSON Lines; re-embed them with another embedder');
  memory
    .command('import')
    .description('import memories from a .jsonl file: nothing if a line is bad (identical content updates)')
    .argument('<file>', 'JSON Lines: one {"content": …, "tags": […], …} per line')
    .option(
      '--batch-size <n>',
      'memories per transaction; a larger file goes in batches',
      (v) => Number(v),
      IMPORT_BATCH,
    )
    .action(async (file: string, options: { batchSize: number }) => {
      const { namespace, agent } = cli.globals();
      const batchSize = checkedImportBatch(options.batchSize);
      letYoungGenerationGrow();
      // A batch job with nothing else to serve: the local model may take every core.
      const engine = await cli.openEngine({ ...NO_PATTERNS, localEmbedderThreads: BATCH_JOB_MODEL_THREADS });
      const progressBar = await progressBars(cli.io.stderr);
      const input = readImportFile(file);
      let bar: SingleBar | undefined;
      let total = 0;
      let created: number;
      let updated: number;
      try {
        // The engine checks every line first (a bad one imports nothing), then imports in batches.
        ({ created, updated } = await engine.importMemories(input.records, {
          batchSize,
          defaults: { namespace, agentId: agent },
          onProgress: (done, of) => {
            if (total === 0) bar = progressBar('importing', (total = of));
            bar?.update(done);
          },
        }));
      } catch (error) {
        bar?.stop();
        if (!(error instanceof ValidationError) || !error.details?.['invalid']) throw error;
        reportBadLines(cli, file, input, error);
        cli.fail(EXIT.usage);
        return;
      }
      bar?.stop();
      cli.io.stdout.write(`✓ imported ${created + updated} memories: ${created} new, ${updated} updated\n`);
      if (!engine.embedderInfo().deferred) return;
      // A slow embedder's vectors (and any an earlier run left) are computed after the rows are
      // in, in batches; Ctrl-C stops after the batch in progress, and whatever process next
      // needs them computes the rest.
      if (created > 0) {
        cli.io.stdout.write(
          `  searchable by full text now; computing their vectors with ${engine.embedderInfo().id}\n`,
        );
      }
      const embedding = progressBar('embedding', created);
      const abort = new AbortController();
      const interrupt = () => abort.abort();
      process.once('SIGINT', interrupt);
      let embedded = 0;
      try {
        const counted = (count: number) => {
          embedded += count; // not inside embedding?.update(…), which skips its argument without a bar
          embedding?.update(embedded);
        };
        await engine.embedPendingMemories(counted, abort.signal);
      } finally {
        process.off('SIGINT', interrupt);
        embedding?.stop();
      }
      if (abort.signal.aborted) {
        cli.io.stderr.write(
          `✗ interrupted after ${embedded} vectors: the memories are in, and the rest get theirs from the next process that needs them (a server in the background, a search by meaning before it answers)\n`,
        );
        cli.fail(EXIT.failed);
        return;
      }
      if (embedded > 0) cli.io.stdout.write(`✓ embedded ${embedded} memories with ${engine.embedderInfo().id}\n`);
    });

  memory
    .command('reembed')
    .description("re-compute every memory's vector with another embedder, in resumable batches, then switch atomically")
    .option('--batch-size <n>', 'memories per committed batch', (v) => Number(v), 64)
    .addHelpText('after', `\nThe target is --embedder (default: TMWS_EMBEDDER, else ${DEFAULT_EMBEDDER}).`)
    .action(async (options: { batchSize: number }) => {
      checkedBatchSize('--batch-size', options.batchSize);
      // --embedder names the target here; the database opens with the embedder it records.
      const target = await createEmbedder(configuredEmbedder(cli.globals().embedder) ?? DEFAULT_EMBEDDER, {
        localThreads: BATCH_JOB_MODEL_THREADS,
      });
      const engine = await cli.openEngine({ ...NO_PATTERNS, embedder: 'database' });
      if (engine.embedderInfo().id === target.id) {
        cli.io.stdout.write(`✓ already embedded with ${target.id}; nothing to do\n`);
        return;
      }
      const progressBar = await progressBars(cli.io.stderr);
      const abort = new AbortController();
      const interrupt = () => abort.abort();
      process.once('SIGINT', interrupt);
      let bar: SingleBar | undefined;
      try {
        const { total, embedded, resumedFrom } = await engine.reembedMemories(target, {
          batchSize: options.batchSize,
          signal: abort.signal,
          onProgress: (done, total) => {
            bar ??= progressBar(`re-embedding with ${target.id}`, total);
            bar?.update(done);
          },
        });
        bar?.stop();
        cli.io.stdout.write(
          `✓ re-embedded ${total} memories with ${target.id} (${embedded} now${resumedFrom > 0 ? `, ${resumedFrom} from an earlier run` : ''}); the database now uses it\n`,
        );
      } catch (error) {
        bar?.stop();
        if (!abort.signal.aborted) throw error;
        cli.io.stderr.write('✗ interrupted; run the same command again to resume where it stopped\n');
        cli.fail(EXIT.failed);
      } finally {
        process.off('SIGINT', interrupt);
      }
    });

  memory
    .command('export')
    .description("export the namespace's live memories as JSON Lines ('-' for stdout)")
    .argument('<file>')
    .option('--all-namespaces', 'export every namespace')
    .action(async (file: string, options: { allNamespaces?: boolean }) => {
      const { namespace } = cli.globals();
      const out = file === '-' ? cli.io.stdout : await openForWriting(file);
      const engine = await cli.openEngine(NO_PATTERNS);
      let count = 0;
      for await (const memory of engine.exportMemories(options.allNamespaces ? undefined : namespace)) {
        if (!out.write(`${JSON.stringify(memory)}\n`)) await once(out, 'drain');
        count++;
      }
      if (out !== cli.io.stdout) {
        out.end();
        await once(out, 'finish');
        cli.io.stdout.write(`✓ exported ${count} memories to ${file}\n`);
      }
    });
  return memory;
}

/** The first bad lines by number, how many more, and that nothing was imported. */
function reportBadLines(cli: CliContext, file: string, input: ImportFile, error: ValidationError): void {
  const issues = error.details!['issues'] as ImportIssue[];
  const invalid = error.details!['invalid'] as number;
  const shown = issues.slice(0, MAX_REPORTED_ERRORS);
  for (const { index, message } of shown) cli.io.stderr.write(`${file}:${input.lineOf(index)}: ${message}\n`);
  if (invalid > shown.length) cli.io.stderr.write(`… and ${invalid - shown.length} more\n`);
  cli.io.stderr.write(`✗ ${invalid} bad line(s) of ${input.lines()}; nothing was imported\n`);
}

/**
 * Makes progress bars on a terminal, none elsewhere. cli-progress loads only for a terminal:
 * at the top it cost every command of the CLI ~30 ms of start-up.
 */
async function progressBars(stderr: CliIo['stderr']): Promise<(label: string, total: number) => SingleBar | undefined> {
  if (!stderr.isTTY) return () => undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  return (label, total) => {
    if (total < PROGRESS_MIN) return undefined;
    const bar = new SingleBar(
      { stream: stderr, format: `${label} [{bar}] {value}/{total} {eta}s left` },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return bar;
  };
}

/** Opens the export file before anything is read, so a bad path is a clear error, not a crash. */
async function openForWriting(file: string): Promise<NodeJS.WritableStream> {
  const stream = createWriteStream(file);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new ValidationError(`cannot write '${file}': ${(error as Error).message}`, { cause: error });
  }
  return stream;
}
