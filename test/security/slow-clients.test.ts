import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';

const HEADERS_TIMEOUT_MS = 600;
const REQUEST_TIMEOUT_MS = 1200;
/** Far beyond both timeouts: a connection still open when the drip ends was never cut. */
const DRIP_FOR_MS = 15_000;

interface Outcome {
  /** What the server answered before closing, if anything. */
  response: string;
  /** ms from the first byte sent until the server closed the connection; undefined if it never did. */
  closedAfterMs: number | undefined;
}

/** Opens a raw connection, sends `head`, then one byte of `drip` every 100 ms until the server closes it. */
async function drip(port: number, head: string, dripText: string): Promise<Outcome> {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let response = '';
  let closedAt: number | undefined;
  socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('close', () => (closedAt ??= performance.now()));
  const started = performance.now();
  socket.write(head);
  for (let i = 0; closedAt === undefined && performance.now() - started < DRIP_FOR_MS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!socket.destroyed) socket.write(dripText[i % dripText.length]!);
  }
  socket.destroy();
  await closed;
  return { response, closedAfterMs: closedAt === undefined ? undefined : closedAt - started };
}

describe('slow clients (slow-loris)', () => {
  const serve = () => startTestServer({ headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });

  it('cuts off a client that drips its headers: 408, then the connection closes', async () => {
    const { app } = await serve();
    const port = (app.server.address() as { port: number }).port;
    const outcome = await drip(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: yes\r\n');
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.closedAfterMs).toBeDefined();
    expect(outcome.closedAfterMs!).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  });

  it('cuts off a client that drips its body: 408, then the connection closes', async () => {
    const { app } = await serve();
    const port = (app.server.address() as { port: number }).port;
    const head =
      'POST /api/v1/pattern/execute HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    const outcome = await drip(port, head, '{"query": "check health"');
    expect(outcome.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.closedAfterMs).toBeDefined();
    expect(outcome.closedAfterMs!).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
  });

  it('cuts off a connection that sends nothing at all', async () => {
    const { app } = await serve();
    const port = (app.server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = await Promise.race([
      new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), DRIP_FOR_MS)),
    ]);
    socket.destroy();
    expect(closed).toBe(true);
  });

  it('still serves a request that arrives in time', async () => {
    const { base } = await serve();
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
