/**
 * Runs one operation per key at a time: callers that arrive while it runs share its
 * promise instead of starting their own (no stampede on a cold key).
 */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  run(key: string, operation: () => Promise<T>): { promise: Promise<T>; shared: boolean } {
    const running = this.#inflight.get(key);
    if (running) return { promise: running, shared: true };
    const promise = operation().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return { promise, shared: false };
  }

  get size(): number {
    return this.#inflight.size;
  }
}
