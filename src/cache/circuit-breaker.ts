/**
 * Stops calling a failing dependency for a while, so each request does not pay its timeout:
 * after a failure the circuit is open for `retryAfterMs`, then one call may try again.
 * Small and specific enough that a library (opossum) would add more than it saves.
 */
export class CircuitBreaker {
  readonly #retryAfterMs: number;
  readonly #now: () => number;
  #openUntil = 0;
  #failing = false;
  #lastError: string | undefined;

  constructor(retryAfterMs: number, now: () => number = Date.now) {
    this.#retryAfterMs = retryAfterMs;
    this.#now = now;
  }

  /** False while the circuit is open. */
  allows(): boolean {
    return this.#now() >= this.#openUntil;
  }

  /** Records a failure; returns true when this failure is the one that broke a healthy circuit. */
  fail(error: unknown): boolean {
    this.#openUntil = this.#now() + this.#retryAfterMs;
    this.#lastError = error instanceof Error ? error.message : String(error);
    const transition = !this.#failing;
    this.#failing = true;
    return transition;
  }

  /** Records a success; returns true when it ends a failing period. */
  succeed(): boolean {
    const transition = this.#failing;
    this.#failing = false;
    this.#openUntil = 0;
    return transition;
  }

  get failing(): boolean {
    return this.#failing;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }
}
