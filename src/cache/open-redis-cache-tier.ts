/**
 * @module cache/open-redis-cache-tier
 * The built-in shared tier, opened on demand: ioredis loads only when a Redis is used, so
 * the embedded default does not pay for it.
 */
import { z } from 'zod';
import { parseOrThrow } from '../validation.js';
import type { RedisCacheTierOptions } from './redis-cache-tier.js';
import type { SharedCacheTier } from './shared-cache-tier.js';

export type { RedisCacheTierOptions } from './redis-cache-tier.js';

export const redisKeyPrefixSchema = z.string().regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, _ . or -');

const optionsSchema = z.strictObject({
  keyPrefix: redisKeyPrefixSchema.optional(),
  commandTimeoutMs: z.number().int().positive().optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
  maxTtl: z.number().int().positive().optional(),
  logger: z.custom<NonNullable<RedisCacheTierOptions['logger']>>((v) => typeof v === 'object' && v !== null).optional(),
});

/**
 * Connects to the Redis at `url` (redis://…), waiting a short while for the first connection:
 * a Redis that is down leaves the tier failing fast (the cache degrades to its in-process
 * tier), not the caller. What this opens is its caller's to close.
 */
export async function openRedisCacheTier(url: string, options: RedisCacheTierOptions = {}): Promise<SharedCacheTier> {
  parseOrThrow(z.string().min(1), url, 'url');
  const opts = parseOrThrow(optionsSchema, options, 'options');
  const { RedisCacheTier } = await import('./redis-cache-tier.js');
  return RedisCacheTier.connect(url, opts);
}
