import dns from 'node:dns';
import net from 'node:net';

/**
 * Makes every network access of this thread throw: sockets (http, https, node-fetch all
 * connect through them), DNS and fetch. `onAttempt` hears what was tried. Returns the undo.
 * The model's loader downloads from the internet when it is not given the shipped weights;
 * installed first in the model's thread, this guarantees that path can never run, whatever a
 * future version of it does.
 */
export function blockNetwork(onAttempt: (what: string) => void): () => void {
  const undo: Array<() => void> = [];
  const block = <T extends object>(target: T, key: keyof T & string, name: string): void => {
    const original = target[key];
    (target as Record<string, unknown>)[key] = (...args: unknown[]) => {
      onAttempt(`${name} ${describe(args[0])}`);
      throw new Error(`network access is blocked in the local embedder's thread (${name})`);
    };
    undo.push(() => ((target as Record<string, unknown>)[key] = original));
  };
  block(net.Socket.prototype, 'connect', 'socket.connect');
  block(dns, 'lookup', 'dns.lookup');
  block(dns.promises, 'lookup', 'dns.promises.lookup');
  block(globalThis, 'fetch', 'fetch');
  return () => undo.reverse().forEach((restore) => restore());
}

/** What a blocked call was asked for: a host name, a URL, or a socket's options. */
function describe(target: unknown): string {
  const first: unknown = Array.isArray(target) ? target[0] : target;
  const text = typeof first === 'object' && first !== null ? JSON.stringify(first) : String(first);
  return text.slice(0, 120);
}
