import { ValidationError } from '../errors.js';
import type { Embedder, EmbedderIdentity } from './embedder.js';
import { HashingEmbedder } from './hashing-embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';

export const EMBEDDER_NAMES = ['local', 'hashing', 'openai'] as const;

export interface OpenAIEmbedderSpec extends Omit<OpenAIEmbedderOptions, 'url' | 'model'> {
  provider: 'openai';
  url: string;
  model: string;
}

/** How callers name an embedder: a built-in, an OpenAI-compatible endpoint, or their own implementation. */
export type EmbedderSpec = 'local' | 'hashing' | OpenAIEmbedderSpec | Embedder;

/** What a new database gets when nothing is configured: a real sentence encoder, offline. */
export const DEFAULT_EMBEDDER = 'local';

/** How the built-in embedders are made when a spec or a database names them. */
export interface BuiltinEmbedderOptions {
  /** The local model's threads at most (see LocalEmbedderOptions.threads). */
  localThreads?: number;
}

/** Builds the embedder a spec names. An OpenAI-compatible one without `dimensions` asks the endpoint once. */
export async function createEmbedder(spec: EmbedderSpec, options: BuiltinEmbedderOptions = {}): Promise<Embedder> {
  if (spec === 'local') return new LocalEmbedder({ threads: options.localThreads });
  if (spec === 'hashing') return new HashingEmbedder();
  if (isEmbedder(spec)) return spec;
  if (spec.provider !== 'openai') {
    throw new ValidationError(`embedder.provider: expected 'openai', got '${String(spec.provider)}'`);
  }
  const embedder = new OpenAIEmbedder(spec);
  await embedder.detectDimensions();
  return embedder;
}

/**
 * With no embedder configured: the one whose vectors the database holds, or the default
 * for a new database. An OpenAI-compatible embedder cannot be rebuilt from its id alone.
 */
export function embedderFor(recorded: EmbedderIdentity | undefined, options: BuiltinEmbedderOptions = {}): Embedder {
  const local = new LocalEmbedder({ threads: options.localThreads });
  if (recorded === undefined || recorded.id === local.id) return local;
  const hashing = /^hashing-v1-(\d+)$/.exec(recorded.id);
  if (hashing) return new HashingEmbedder({ dimensions: Number(hashing[1]) });
  throw new ValidationError(
    `embedder: this database holds vectors from '${recorded.id}'; configure that embedder (TMWS_EMBEDDER=openai with TMWS_EMBEDDING_URL and TMWS_EMBEDDING_MODEL, or the embedder option)`,
  );
}

export function isEmbedder(value: unknown): value is Embedder {
  const candidate = value as Embedder | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.embed === 'function' &&
    typeof candidate.embedBatch === 'function'
  );
}
