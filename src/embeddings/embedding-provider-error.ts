import { PatternServiceError } from '../errors.js';

/** An embedder failed or answered something unusable; the message names the provider (and URL and status). */
export class EmbeddingProviderError extends PatternServiceError {
  static override readonly code = 'STORE_UNAVAILABLE' as const;
}
