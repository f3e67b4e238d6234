import { setTimeout as sleep } from 'node:timers/promises';
import { ValidationError } from '../errors.js';
import { checkedBatchSize, type Embedder } from './embedder.js';
import { EmbeddingProviderError } from './embedding-provider-error.js';
import { toUnitLength } from './unit-length.js';

export interface OpenAIEmbedderOptions {
  /** Base URL (`https://api.openai.com/v1`, `http://localhost:11434/v1`) or the full `…/embeddings` URL. */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer …`; never logged nor put in an error message. */
  apiKey?: string | undefined;
  /** Asked of the provider (`dimensions` in the request) and checked on every answer. Probed once when omitted. */
  dimensions?: number | undefined;
  /** Texts per request. @default 64 */
  batchSize?: number;
  /** Per request. @default 30000 */
  timeoutMs?: number;
  /** Retries of a 429, a 5xx, a timeout or a refused connection. @default 4 */
  maxRetries?: number;
  /** First backoff; doubles each retry (with jitter), or follows Retry-After. @default 500 */
  backoffMs?: number;
}

const MAX_BACKOFF_MS = 20_000;

/**
 * Any OpenAI-compatible `/v1/embeddings` endpoint: OpenAI, Ollama, vLLM, LM Studio,
 * text-embeddings-inference. Batches texts, times out, retries with exponential backoff on
 * 429/5xx, and checks that every vector has the expected length.
 */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly deferred = true;
  readonly endpoint: string;
  /** Texts per request: backlogs hand over this many at a time, so each request goes out full. */
  readonly batchSize: number;
  #dimensions: number | undefined;
  readonly #options: Required<Pick<OpenAIEmbedderOptions, 'timeoutMs' | 'maxRetries' | 'backoffMs'>> &
    OpenAIEmbedderOptions;

  constructor(options: OpenAIEmbedderOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new ValidationError(`embedder.url: '${options.url}' is not a URL`);
    }
    if (!/^https?:$/.test(url.protocol))
      throw new ValidationError(`embedder.url: expected http(s), got ${url.protocol}`);
    if (options.model.trim() === '') throw new ValidationError('embedder.model: must not be empty');
    if (options.dimensions !== undefined && !(Number.isInteger(options.dimensions) && options.dimensions > 0)) {
      throw new ValidationError(`embedder.dimensions: expected a positive integer, got ${options.dimensions}`);
    }
    this.batchSize = checkedBatchSize('embedder.batchSize', options.batchSize) ?? 64;
    url.username = '';
    url.password = '';
    this.endpoint = /\/embeddings\/?$/.test(url.pathname) ? url.href : `${url.href.replace(/\/$/, '')}/embeddings`;
    this.#options = { timeoutMs: 30_000, maxRetries: 4, backoffMs: 500, ...options };
    this.#dimensions = options.dimensions;
    this.id = `openai:${options.model}@${url.host}${options.dimensions === undefined ? '' : `:${options.dimensions}`}`;
  }

  get dimensions(): number {
    if (this.#dimensions === undefined) {
      throw new ValidationError('embedder.dimensions: unknown until detectDimensions() has run');
    }
    return this.#dimensions;
  }

  /** Asks the provider once when `dimensions` was not given. */
  async detectDimensions(): Promise<number> {
    if (this.#dimensions === undefined) {
      const [vector] = await this.#request(['dimension probe']);
      this.#dimensions = vector!.length;
    }
    return this.#dimensions;
  }

  async embed(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([text]);
    return vector!;
  }

  async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      vectors.push(...(await this.#request(texts.slice(start, start + this.batchSize))));
    }
    return vectors;
  }

  async #request(input: readonly string[]): Promise<Float32Array[]> {
    const { maxRetries } = this.#options;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#attempt(input);
      if (outcome.vectors) return outcome.vectors;
      if (!outcome.retryable || attempt >= maxRetries) throw outcome.error;
      await sleep(outcome.retryAfterMs ?? this.#backoff(attempt));
    }
  }

  #backoff(attempt: number): number {
    const base = this.#options.backoffMs * 2 ** attempt;
    return Math.min(MAX_BACKOFF_MS, base / 2 + Math.random() * (base / 2));
  }

  async #attempt(
    input: readonly string[],
  ): Promise<
    { vectors: Float32Array[] } | { vectors?: undefined; error: Error; retryable: boolean; retryAfterMs?: number }
  > {
    const { model, apiKey, timeoutMs } = this.#options;
    const fail = (detail: string, retryable: boolean, cause?: unknown, retryAfterMs?: number) => ({
      error: new EmbeddingProviderError(`embedding provider 'openai' at ${this.endpoint}: ${detail}`, { cause }),
      retryable,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey && { authorization: `Bearer ${apiKey}` }) },
        body: JSON.stringify({
          model,
          input,
          encoding_format: 'float',
          ...(this.#options.dimensions !== undefined && { dimensions: this.#options.dimensions }),
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return fail(
        timedOut ? `no answer within ${timeoutMs} ms` : `request failed (${(error as Error).message})`,
        true,
        error,
      );
    }
    if (!response.ok) {
      const body = (await response.text().catch(() => '')).slice(0, 200);
      const retryable = response.status === 429 || response.status >= 500;
      const retryAfter = Number(response.headers.get('retry-after'));
      return fail(
        `HTTP ${response.status}${body ? `: ${body}` : ''}`,
        retryable,
        undefined,
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(MAX_BACKOFF_MS, retryAfter * 1000) : undefined,
      );
    }
    let data: Array<{ index?: number; embedding?: unknown }>;
    try {
      data = ((await response.json()) as { data: typeof data }).data;
      if (!Array.isArray(data)) throw new Error('no data array');
    } catch (error) {
      return fail(`HTTP ${response.status} with an unreadable body (${(error as Error).message})`, false, error);
    }
    if (data.length !== input.length) {
      return fail(`HTTP ${response.status}: ${data.length} embeddings for ${input.length} inputs`, false);
    }
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const vectors: Float32Array[] = [];
    for (const item of ordered) {
      const values = item.embedding;
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'number')) {
        return fail(`HTTP ${response.status}: an embedding is not an array of numbers`, false);
      }
      if (this.#dimensions !== undefined && values.length !== this.#dimensions) {
        return fail(
          `HTTP ${response.status}: embedding has ${values.length} dimensions, expected ${this.#dimensions} (model '${model}')`,
          false,
        );
      }
      vectors.push(toUnitLength(Float32Array.from(values as number[])));
    }
    return { vectors };
  }
}
