import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server that a test can cut and restore, to make that server
 * unreachable without touching it (other test runs share it). `refuse` closes every
 * connection and the port; `blackhole` keeps them open but forwards nothing, like a network
 * partition, so only timeouts can notice.
 */
export interface TcpProxy {
  port: number;
  cut(mode: 'refuse' | 'blackhole'): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'forward' | 'refuse' | 'blackhole' = 'forward';
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode !== 'forward') return client.pause();
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number): Promise<void> =>
    new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as { port: number }).port;
  const destroyAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    port,
    async cut(next) {
      mode = next;
      if (next === 'refuse') {
        destroyAll();
        await new Promise((resolve) => server.close(resolve));
        return;
      }
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    async restore() {
      const wasRefusing = mode === 'refuse';
      mode = 'forward';
      // Half-dead connections are dropped, as a real partition's would be once it heals.
      destroyAll();
      if (wasRefusing) await listen(port);
    },
    async close() {
      destroyAll();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}
