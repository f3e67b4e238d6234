import type { Logger } from 'pino';
import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../memory/audit-log.js';

/**
 * Appends audit entries durably before their operation is acknowledged, in group commits:
 * `record` resolves once the entry's batch is committed (one transaction), and every entry
 * recorded while a batch is being written joins the next one, so concurrent requests share
 * a write instead of paying one each. A process killed at any moment has the row of every
 * operation it acknowledged; a failed write rejects the `record` calls of its batch.
 */
export class AuditRecorder {
  readonly #log: AuditLog;
  readonly #logger: Logger;
  #pending: AuditEntry[] = [];
  /** The write that will take the pending entries, once the one before it is done. */
  #next: Promise<void> | undefined;
  /** The last write scheduled (never rejects), so batches land in the order they were recorded. */
  #tail: Promise<void> = Promise.resolve();

  constructor(log: AuditLog, logger: Logger) {
    this.#log = log;
    this.#logger = logger;
  }

  /** Resolves once the entry is committed; rejects if it could not be written. */
  record(entry: AuditEntry): Promise<void> {
    this.#pending.push(entry);
    return (this.#next ??= this.#schedule());
  }

  /** Newest first; includes everything recorded before the call. */
  async query(query: AuditQuery): Promise<AuditRecord[]> {
    await this.flush();
    return this.#log.query(query);
  }

  /** Waits for every entry recorded so far to be written (or to have failed). */
  async flush(): Promise<void> {
    await this.#tail;
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
