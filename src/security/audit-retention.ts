/**
 * @module security/audit-retention
 * Keeps the audit log to its retention: at start and then every hour, entries older than
 * the retention are deleted, oldest first, a few thousand per statement with a turn of the
 * event loop between statements, so pruning a large backlog never holds the store (or the
 * requests waiting on it) for long. Several instances sharing a database may all prune: the
 * deletes are idempotent.
 */
import type { Logger } from 'pino';
import { ValidationError } from '../errors.js';
import type { AuditLog } from '../memory/audit-log.js';

/** @default 90 days (at least one: the databases refuse to delete an entry less than a day old) */
export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
const MAX_RETENTION_DAYS = 36_500;
const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 5000;

export interface AuditRetentionOptions {
  log: AuditLog;
  /** Days an entry is kept; 0 keeps every entry. */
  days: number;
  logger: Logger;
  /** @default Date.now */
  now?: () => number;
}

/** Reads a retention in whole days (`90`); `0` keeps the audit log for ever. */
export function parseRetentionDays(text: string): number {
  const days = Number(text.trim());
  if (!/^\d{1,6}$/.test(text.trim()) || days > MAX_RETENTION_DAYS) {
    throw new ValidationError(
      `audit retention: expected a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or 0 to keep every entry, got '${text}'`,
    );
  }
  return days;
}

export class AuditRetention {
  readonly #log: AuditLog;
  readonly #days: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(options: AuditRetentionOptions) {
    if (!Number.isInteger(options.days) || options.days < 0 || options.days > MAX_RETENTION_DAYS) {
      throw new ValidationError(
        `auditRetentionDays: expected a whole number from 0 (keep all) to ${MAX_RETENTION_DAYS}, got ${String(options.days)}`,
      );
    }
    this.#log = options.log;
    this.#days = options.days;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** Prunes now (in the background) and every hour until `stop`; nothing when entries are kept for ever. */
  start(): void {
    if (this.#days === 0) return;
    if (!this.#log.prune) {
      this.#logger.warn('audit log: this backend cannot prune; the retention is not applied');
      return;
    }
    void this.prune();
    this.#timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS).unref();
  }

  /** Deletes what is past the retention; resolves with how many entries went. Never throws (failures are logged). */
  prune(): Promise<number> {
    this.#running ??= this.#pruneAll().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops the schedule and waits for a pruning under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #pruneAll(): Promise<number> {
    const prune = this.#log.prune?.bind(this.#log);
    if (!prune || this.#days === 0) return 0;
    const before = this.#now() - this.#days * DAY_MS;
    let total = 0;
    try {
      for (let deleted = PRUNE_BATCH; deleted === PRUNE_BATCH && !this.#stopped;) {
        deleted = await prune(before, PRUNE_BATCH);
        total += deleted;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (total > 0) this.#logger.info({ deleted: total, days: this.#days }, 'audit log: pruned past the retention');
    } catch (error) {
      this.#logger.warn({ err: error }, 'audit log: pruning failed; retrying in an hour');
    }
    return total;
  }
}
