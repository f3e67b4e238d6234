import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { REQUEST_LIMITS } from '../execution/request.js';
import { ACCESS_LEVELS, type ImportedMemory } from '../memory/store.js';
import { formatZodError } from '../validation.js';
import { EXIT, type CliContext } from './program.js';

/** One line of a JSONL import: the export format, so an export imports back unchanged. */
const importLine = z.object({
  content: z.string().trim().min(1).max(REQUEST_LIMITS.maxContentLength),
  namespace: z.string().min(1).max(128).optional(),
  agentId: z.string().min(1).max(128).optional(),
  tags: z.array(z.string().min(1).max(REQUEST_LIMITS.maxTagLength)).max(REQUEST_LIMITS.maxTags).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  importance: z.number().min(0).max(1).optional(),
  accessLevel: z.enum(ACCESS_LEVELS).optional(),
  sharedWith: z.array(z.string().min(1)).optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});

const MAX_REPORTED_ERRORS = 20;
/** Below this many lines a progress bar would only flicker. */
const PROGRESS_MIN = 1000;

export function registerMemoryCommands(program: Command, cli: CliContext): void {
  const memory = program.command('memory').description('import and export memories as JSON Lines');

  memory
    .command('import')
    .description('import memories from a .jsonl file, all or nothing (identical content updates)')
    .argument('<file>', 'JSON Lines: one {"content": …, "tags": […], …} per line')
    .action(async (file: string) => {
      const { namespace, agent } = cli.globals();
      const { records, errors, lines } = await readImport(file, namespace, agent);
      if (errors.length > 0) {
        for (const error of errors.slice(0, MAX_REPORTED_ERRORS)) cli.io.stderr.write(`${file}:${error}\n`);
        if (errors.length > MAX_REPORTED_ERRORS)
          cli.io.stderr.write(`… and ${errors.length - MAX_REPORTED_ERRORS} more\n`);
        cli.io.stderr.write(`✗ ${errors.length} bad line(s) of ${lines}; nothing was imported\n`);
        cli.fail(EXIT.usage);
        return;
      }
      const engine = await cli.openEngine();
      const bar =
        records.length >= PROGRESS_MIN && cli.io.stderr.isTTY
          ? new SingleBar(
              { stream: cli.io.stderr, format: 'importing [{bar}] {value}/{total} {eta}s left' },
              Presets.shades_classic,
            )
          : undefined;
      bar?.start(records.length, 0);
      const { created, updated } = await engine.importMemories(records, (done) => bar?.update(done));
      bar?.stop();
      cli.io.stdout.write(`✓ imported ${records.length} memories: ${created} new, ${updated} updated\n`);
    });

  memory
    .command('export')
    .description("export the namespace's live memories as JSON Lines ('-' for stdout)")
    .argument('<file>')
    .option('--all-namespaces', 'export every namespace')
    .action(async (file: string, options: { allNamespaces?: boolean }) => {
      const { namespace } = cli.globals();
      const out = file === '-' ? cli.io.stdout : await openForWriting(file);
      const engine = await cli.openEngine();
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
}

async function readImport(
  file: string,
  namespace: string,
  agentId: string,
): Promise<{ records: ImportedMemory[]; errors: string[]; lines: number }> {
  const records: ImportedMemory[] = [];
  const errors: string[] = [];
  let lineNumber = 0;
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new ValidationError(`cannot read '${file}': ${(error as Error).message}`, { cause: error });
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      errors.push(`${lineNumber}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = importLine.safeParse(json);
    if (!parsed.success) {
      errors.push(`${lineNumber}: ${formatZodError(parsed.error)}`);
      continue;
    }
    const { createdAt, expiresAt, ...rest } = parsed.data;
    records.push({
      ...rest,
      namespace: rest.namespace ?? namespace,
      agentId: rest.agentId ?? agentId,
      ...(createdAt !== undefined && { createdAt: Date.parse(createdAt) }),
      ...(expiresAt != null && { expiresAt: Date.parse(expiresAt) }),
    });
  }
  return { records, errors, lines: lineNumber };
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
