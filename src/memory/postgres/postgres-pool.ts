import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { StoreUnavailableError, ValidationError } from '../../errors.js';
import type { PostgresSettings } from './postgres-settings.js';

export type PoolClient = pg.PoolClient;
export type QueryRow = Record<string, unknown>;

/** A client idle longer than this is pinged before use when poolPrePing is on. */
const PRE_PING_AFTER_IDLE_MS = 2000;
/** The client-side limit exceeds the server's statement_timeout, so the server's clearer error wins when it can. */
const CLIENT_TIMEOUT_MARGIN_MS = 1000;

/**
 * A pg.Pool set up from the seed's pool settings, plus the two things pg leaves to callers:
 * validating stale connections (pre-ping) and turning connection failures into
 * StoreUnavailableError. Broken clients are destroyed, never returned to the pool, so the
 * pool heals by itself once the server is back.
 *
 * Mapping: pool_size → `min` (kept open), pool_size + max_overflow → `max`, overflow
 * connections close after `idleTimeoutMs`; pool_pre_ping → `SELECT 1` on a client that sat
 * idle, replaced by a fresh one if it fails.
 */
export class PostgresPool {
  readonly #pool: pg.Pool;
  readonly #prePing: boolean;
  readonly #lastUsed = new WeakMap<pg.PoolClient, number>();

  constructor(settings: PostgresSettings, logger?: Logger) {
    this.#prePing = settings.poolPrePing;
    this.#pool = new pg.Pool({
      connectionString: settings.connectionString,
      min: settings.poolSize,
      max: settings.poolSize + settings.maxOverflow,
      idleTimeoutMillis: settings.idleTimeoutMs,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      query_timeout: settings.statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
      keepAlive: true,
      application_name: 'tmws-patterns',
    });
    // An idle client whose server went away emits here; pg-pool already drops it, so only log.
    this.#pool.on('error', (error) => logger?.warn({ err: error }, 'idle PostgreSQL connection failed'));
    // A checked-out client can fail between statements too; its next query reports it, so
    // the event itself must not go unhandled (Node would end the process).
    this.#pool.on('connect', (client) => {
      client.on('error', (error) => logger?.debug({ err: error }, 'PostgreSQL connection failed'));
      // The store's statements take milliseconds: compiling one with JIT (which PostgreSQL
      // turns on for plans it costs high) took 28 ms of a 72 ms windowed search. Queued first
      // on the connection, so it precedes every statement of the store.
      client.query('SET jit = off').catch((error: unknown) => logger?.debug({ err: error }, 'could not turn JIT off'));
    });
  }

  /** Runs one statement on a pooled connection (again, if PostgreSQL aborted it to break a deadlock). */
  async query<R extends QueryRow = QueryRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return retryConflicts(() => this.withClient((client) => client.query<R>(text, values)));
  }

  /**
   * Like query, as a named prepared statement: each connection parses and plans it once, then
   * only binds (a hot path's statements cost 0.5–2 ms of planning each otherwise). For
   * statements whose text comes from a small set; every distinct text stays prepared on each
   * connection until it closes.
   */
  async prepared<R extends QueryRow = QueryRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return retryConflicts(() => this.withClient((client) => client.query<R>(preparedStatement(text, values))));
  }

  /**
   * Runs statements in one transaction; rolls back if `work` throws. A transaction PostgreSQL
   * aborted to break a deadlock or a serialization conflict runs again from the start: the
   * other side has its locks and goes on, so the second attempt normally just waits its turn.
   */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return retryConflicts(() =>
      this.withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    );
  }

  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#checkout();
    try {
      const result = await work(client);
      this.#lastUsed.set(client, Date.now());
      client.release();
      return result;
    } catch (error) {
      // A connection that failed mid-statement may be half-read: destroy it rather than reuse it.
      if (isConnectionFailure(error)) client.release(true);
      else {
        this.#lastUsed.set(client, Date.now());
        client.release();
      }
      throw toStoreError(error);
    }
  }

  get stats(): { total: number; idle: number; waiting: number } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async end(): Promise<void> {
    await this.#pool.end();
  }

  async #checkout(): Promise<pg.PoolClient> {
    for (let attempt = 0; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (error) {
        throw toStoreError(error);
      }
      const lastUsed = this.#lastUsed.get(client);
      if (!this.#prePing || lastUsed === undefined || Date.now() - lastUsed < PRE_PING_AFTER_IDLE_MS) return client;
      try {
        await client.query('SELECT 1');
        return client;
      } catch (error) {
        client.release(true);
        if (attempt >= 1) throw toStoreError(error);
      }
    }
  }
}

const statementNames = new Map<string, string>();

/** A named query: the name is a digest of the text, so one name never stands for two texts. */
export function preparedStatement(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `tmws_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (statementNames.size >= 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/** SQLSTATEs after which PostgreSQL has rolled the whole transaction back and a retry may succeed. */
const CONFLICT_CODES = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure
/** Attempts of a transaction that keeps losing conflicts before the caller hears STORE_UNAVAILABLE. */
const CONFLICT_ATTEMPTS = 3;

function isConflict(error: unknown): boolean {
  return CONFLICT_CODES.has(String((error as { code?: unknown } | null)?.code));
}

async function retryConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= CONFLICT_ATTEMPTS) {
        throw new StoreUnavailableError(
          `PostgreSQL store busy: lost ${attempt} lock conflicts in a row (${(error as Error).message}); retry`,
          { cause: error },
        );
      }
    }
  }
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** True when the connection itself failed, rather than the statement. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONNECTION_ERRNOS.has(code)) return true;
    // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now; 53300: too many connections.
    if (/^(08|57P0[1-3]|53300)/.test(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|not queryable/i.test(
    error.message,
  );
}

/** Connection failures and timeouts become STORE_UNAVAILABLE; constraint violations become VALIDATION_ERROR. */
export function toStoreError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof StoreUnavailableError || error instanceof ValidationError) {
    return error;
  }
  const code = (error as { code?: unknown }).code;
  if (isConnectionFailure(error) || code === '57014') {
    return new StoreUnavailableError(`PostgreSQL store unavailable: ${error.message}`, { cause: error });
  }
  // 23514 check violation, 22P02 invalid text, 22003 out of range: bad input that reached the database.
  if (code === '23514' || code === '22P02' || code === '22003') {
    return new ValidationError(`memory: rejected by the database: ${error.message}`, { cause: error });
  }
  return error;
}
