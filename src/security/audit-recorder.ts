import type { Logger } from 'pino';
import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../memory/audit-log.js';

const FLUSH_MS = 100;
const FLUSH_BATCH = 256;

/**
 * Appends audit entries in small batches (one transaction per batch rather than per
 * request), flushing within FLUSH_MS, before every query and on close. A crash can lose
 * at most the last FLUSH_MS of entries; a failed write is logged with the entries it drops.
 */
export class AuditRecorder {
  readonly #log: AuditLog;
  readonly #logger: Logger;
  #pending: AuditEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(log: AuditLog, logger: Logger) {
    this.#log = log;
    this.#logger = logger;
  }

  record(entry: AuditEntry): void {
    this.#pending.push(entry);
    if (this.#pending.length >= FLUSH_BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Newest first; includes everything recorded before the call. */
  async query(query: AuditQuery): Promise<AuditRecord[]> {
    await this.flush();
    return this.#log.query(query);
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const entries = this.#pending;
    this.#pending = [];
    // Chained so batches land in the order they were recorded.
    this.#flushing = this.#flushing.then(async () => {
      if (entries.length === 0) return;
      try {
        await this.#log.append(entries);
      } catch (error) {
        this.#logger.error({ err: error, dropped: entries.length }, 'could not write the audit log');
      }
    });
    await this.#flushing;
  }
}
