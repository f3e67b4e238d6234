import type { Logger } from 'pino';
import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../memory/audit-log.js';

export interface AuditRecorderOptions {
  /** How long refusals are counted into one row before it is written. @default 60000 */
  refusalWindowMs?: number;
  /** Distinct refusal rows counted at once; reaching it writes them early. @default 10000 */
  maxOpenTallies?: number;
}

const DEFAULT_REFUSAL_WINDOW_MS = 60_000;
const DEFAULT_MAX_OPEN_TALLIES = 10_000;

/**
 * Appends audit entries durably before their operation is acknowledged, in group commits:
 * `record` resolves once the entry's batch is committed (one transaction), and every entry
 * recorded while a batch is being written joins the next one, so concurrent requests share
 * a write instead of paying one each. A process killed at any moment has the row of every
 * operation it acknowledged; a failed write rejects the `record` calls of its batch.
 *
 * Refusals (`tally`) are counted instead: one row per caller, operation, outcome and window,
 * with the count, written when the window ends, when the log is read, and on `flush`. A flood
 * of 429s once wrote a row each (24,133 in 20 s from one key); a refused operation did
 * nothing, so a crash losing the last window's counts loses no acknowledged operation.
 */
export class AuditRecorder {
  readonly #log: AuditLog;
  readonly #logger: Logger;
  readonly #windowMs: number;
  readonly #maxOpenTallies: number;
  #pending: AuditEntry[] = [];
  /** The write that will take the pending entries, once the one before it is done. */
  #next: Promise<void> | undefined;
  /** The last write scheduled (never rejects), so batches land in the order they were recorded. */
  #tail: Promise<void> = Promise.resolve();
  /** Refusals counted in the current window, by what makes their row. */
  readonly #tallies = new Map<string, AuditEntry & { count: number }>();
  #windowTimer: NodeJS.Timeout | undefined;

  constructor(log: AuditLog, logger: Logger, options: AuditRecorderOptions = {}) {
    this.#log = log;
    this.#logger = logger;
    this.#windowMs = options.refusalWindowMs ?? DEFAULT_REFUSAL_WINDOW_MS;
    this.#maxOpenTallies = options.maxOpenTallies ?? DEFAULT_MAX_OPEN_TALLIES;
  }

  /** Resolves once the entry is committed; rejects if it could not be written. */
  record(entry: AuditEntry): Promise<void> {
    this.#pending.push(entry);
    return (this.#next ??= this.#schedule());
  }

  /** Counts a refusal into its window's row (see the class comment); never waits, never throws. */
  tally(entry: AuditEntry): void {
    const key = JSON.stringify([
      entry.agentId,
      entry.namespace,
      entry.operation,
      entry.pattern,
      entry.target,
      entry.errorCode,
      entry.surface,
    ]);
    const open = this.#tallies.get(key);
    if (open) {
      open.count++;
      return;
    }
    this.#tallies.set(key, { ...entry, count: 1 });
    if (this.#tallies.size >= this.#maxOpenTallies) this.#closeWindow();
    else this.#windowTimer ??= setTimeout(() => this.#closeWindow(), this.#windowMs).unref();
  }

  /** Newest first; includes everything recorded or counted before the call. */
  async query(query: AuditQuery): Promise<AuditRecord[]> {
    await this.flush();
    return this.#log.query(query);
  }

  /** Writes the counted refusals, and waits for every entry recorded so far to be written (or to have failed). */
  async flush(): Promise<void> {
    this.#closeWindow();
    await this.#tail;
  }

  /** The window's counts join the next batch; a failed write is logged by #schedule. */
  #closeWindow(): void {
    clearTimeout(this.#windowTimer);
    this.#windowTimer = undefined;
    if (this.#tallies.size === 0) return;
    this.#pending.push(...this.#tallies.values());
    this.#tallies.clear();
    (this.#next ??= this.#schedule()).catch(() => undefined);
  }

  #schedule(): Promise<void> {
    const write = this.#tail
      // One turn of the event loop lets the requests running concurrently add their entries.
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(async () => {
        this.#next = undefined;
        const entries = this.#pending;
        this.#pending = [];
        try {
          await this.#log.append(entries);
        } catch (error) {
          this.#logger.error({ err: error, dropped: entries.length }, 'could not write the audit log');
          throw error;
        }
      });
    this.#tail = write.catch(() => undefined);
    return write;
  }
}
