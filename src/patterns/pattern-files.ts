import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { ConflictError } from '../errors.js';
import { loadPatternFiles, isPatternFilePath } from './file-loader.js';
import type { PatternRegistry } from './registry.js';

/** What a reload did. */
export interface PatternReload {
  /** The registry's pattern-set version after the swap. */
  version: number;
  /** Patterns now loaded from the files. */
  patterns: number;
  added: string[];
  removed: string[];
}

const WATCH_DEBOUNCE_MS = 150;

/**
 * The pattern files a registry was loaded from. A reload reads and validates every file
 * first and swaps the set in one step, so a bad file leaves the old set in place; patterns
 * registered at run time (not from the files) are kept across reloads.
 */
export class PatternFiles {
  readonly path: string;
  readonly #registry: PatternRegistry;
  #names = new Set<string>();
  #pending: Promise<PatternReload> = Promise.resolve({ version: 0, patterns: 0, added: [], removed: [] });

  constructor(path: string, registry: PatternRegistry) {
    this.path = path;
    this.#registry = registry;
  }

  /**
   * Re-reads the files and swaps them in, bumping the registry's version (so no cached result
   * of the old set is served). Throws a ValidationError listing every problem with its
   * file:line:column; the registry is then unchanged. Concurrent calls run one after another.
   */
  reload(): Promise<PatternReload> {
    const run = this.#pending.catch(() => undefined).then(() => this.#reloadNow());
    this.#pending = run;
    return run;
  }

  /**
   * Reloads when a pattern file changes (debounced); a failed reload is logged and the old
   * set kept. Returns a function that stops watching.
   */
  async watch(logger: Logger): Promise<() => void> {
    const isDirectory = (await stat(this.path)).isDirectory();
    const directory = isDirectory ? this.path : dirname(this.path);
    let timer: NodeJS.Timeout | undefined;
    const onEvent = (_event: string, file: string | Buffer | null) => {
      const name = file === null ? null : String(file);
      const relevant = name === null || (isDirectory ? isPatternFilePath(name) : name === basename(this.path));
      if (!relevant) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.reload().then(
          (result) => logger.info({ path: this.path, ...result }, 'pattern files reloaded'),
          (error: unknown) =>
            logger.warn({ path: this.path, err: error }, 'pattern files not reloaded; the previous set stays'),
        );
      }, WATCH_DEBOUNCE_MS);
    };
    // Editors replace files by renaming, which ends a watch on the file itself: watch its directory.
    const watcher: FSWatcher = watch(directory, { persistent: false }, onEvent);
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  async #reloadNow(): Promise<PatternReload> {
    const patterns = await loadPatternFiles(this.path);
    const previous = this.#names;
    const clash = patterns.find((p) => !previous.has(p.name) && this.#registry.has(p.name));
    if (clash) {
      throw new ConflictError(
        `${this.path} defines pattern '${clash.name}', which was registered at run time; unregister it first`,
        { details: { name: clash.name } },
      );
    }
    this.#registry.replaceAll(patterns, { keep: (p) => !previous.has(p.name) });
    this.#names = new Set(patterns.map((p) => p.name));
    return {
      version: this.#registry.version,
      patterns: patterns.length,
      added: [...this.#names].filter((n) => !previous.has(n)),
      removed: [...previous].filter((n) => !this.#names.has(n)),
    };
  }
}
