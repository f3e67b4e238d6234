/**
 * @module execution/request-limits
 * What every request to the engine shares: its input limits, the default scope, and the
 * bounds of the free-form JSON it carries (a context, a memory's metadata).
 */
import { checkJsonObject as checkJsonWithin, type JsonLimits } from '../json-limits.js';
import { MEMORY_LIMITS } from '../memory/memory-record.js';
import { PATTERN_LIMITS } from '../patterns/definition.js';

/** Input limits of `execute`, documented in the README. */
export const REQUEST_LIMITS = {
  maxQueryLength: PATTERN_LIMITS.maxQueryLength,
  maxContextBytes: 64 * 1024,
  maxContextDepth: 8,
  ...MEMORY_LIMITS,
  maxLimit: 100,
} as const;

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_AGENT = 'default';

/**
 * A plain JSON object within the context limits (depth, size): what a context, or a
 * memory's metadata, must be. Throws ValidationError / PayloadTooLargeError naming `path`.
 */
export function checkJsonObject(raw: unknown, path: string): asserts raw is Record<string, unknown> {
  checkJsonWithin(raw, path, CONTEXT_LIMITS);
}

const CONTEXT_LIMITS: JsonLimits = {
  maxDepth: REQUEST_LIMITS.maxContextDepth,
  maxBytes: REQUEST_LIMITS.maxContextBytes,
  // An expiry may be given as a Date from the library (it is converted before it is kept).
  datesAt: new Set(['context.expiresAt', 'context.expires_at']),
};
