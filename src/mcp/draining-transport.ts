/**
 * @module mcp/draining-transport
 * A transport wrapper that knows which requests are still unanswered, so a server that is
 * told to stop (stdin closed, a signal) can answer them before it closes its store.
 */
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCRequest,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

export class DrainingTransport implements Transport {
  readonly #inner: Transport;
  readonly #unanswered = new Set<RequestId>();
  #idle: Array<() => void> = [];
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined;

  constructor(inner: Transport) {
    this.#inner = inner;
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message)) this.#unanswered.add(message.id);
      this.onmessage?.(message, extra);
    };
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  /** How many requests have been received and not answered yet. */
  get inFlight(): number {
    return this.#unanswered.size;
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await this.#inner.send(message, options);
    } finally {
      if (isResponse(message)) this.#answered(message.id);
    }
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** Resolves true once every request received so far is answered, or false after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.#unanswered.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<true>((resolve) => this.#idle.push(() => resolve(true)));
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([idle, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  #answered(id: RequestId | undefined): void {
    if (id === undefined) return;
    this.#unanswered.delete(id);
    if (this.#unanswered.size > 0) return;
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * A reply to a request: an id and no method. Told by its shape, not by the SDK's guards,
 * which validate the whole message with its schema (a copy of every search result, each time).
 */
function isResponse(message: JSONRPCMessage): message is Extract<JSONRPCMessage, { id?: RequestId }> {
  return !('method' in message) && 'id' in message;
}
