import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * The shared servers the PostgreSQL and Redis suites run against. `.ci/run` exports both;
 * test/setup/services.ts fails the run in CI when they are missing and prints how to enable
 * them otherwise, so suites here only need `describe.skipIf(!url)`.
 */
export const TEST_POSTGRES_URL = nonEmpty(process.env['TMWS_TEST_POSTGRES_URL']);
export const TEST_REDIS_URL = nonEmpty(process.env['TMWS_TEST_REDIS_URL']);

/** A name no concurrent test run shares: schemas, key prefixes, namespaces. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Adds query parameters (schema, pool settings) to a database URL. */
export function withParams(url: string, params: Record<string, string | number | boolean>): string {
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(params)) parsed.searchParams.set(key, String(value));
  return parsed.toString();
}

/** Drops a schema this run created, with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * PGlite (WASM PostgreSQL 17 with pgvector bundled) served over the wire protocol, so the
 * same `pg` code runs against it. pglite-socket 0.0.x serves one connection reliably, hence
 * a pool of one.
 */
export async function startPglite(): Promise<{ url: string; stop(): Promise<void> }> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?pool_size=1&max_overflow=0`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Deletes every Redis key under a prefix a test used. */
export async function clearRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A redis-server of the test's own, on its own port, that the test may kill and start again
 * (the shared server is never touched). Nothing is persisted, so a restart comes back empty.
 */
export interface DisposableRedis {
  url: string;
  pid(): number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a hung or partitioned Redis). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
}

export async function startDisposableRedis(): Promise<DisposableRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let attempt = 0; ; attempt++) {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (error) {
        if (attempt > 200) throw error;
        await sleep(25);
      } finally {
        probe.disconnect();
      }
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill('SIGKILL');
    });
  };
  const signal = (name: NodeJS.Signals) => (): void => void child?.kill(name);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: () => child?.pid,
    stop,
    start,
    pause: signal('SIGSTOP'),
    resume: signal('SIGCONT'),
  };
}
