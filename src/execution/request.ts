import { z } from 'zod';
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import { ACCESS_LEVELS, type AccessLevel } from '../memory/store.js';
import { PATTERN_LIMITS } from '../patterns/definition.js';
import { EXECUTION_MODES, type ExecutionMode } from '../patterns/pattern-type.js';
import { checkJsonObject as checkJsonWithin, describeValue as describe, type JsonLimits } from '../json-limits.js';
import { checkedTimeZone, serverTimeZone } from '../time/resolve-window.js';
import { formatZodError } from '../validation.js';

/** Input limits of `execute`, documented in the README. */
export const REQUEST_LIMITS = {
  maxQueryLength: PATTERN_LIMITS.maxQueryLength,
  maxContextBytes: 64 * 1024,
  maxContextDepth: 8,
  maxContentLength: 32 * 1024,
  maxTags: 32,
  maxTagLength: 64,
  maxLimit: 100,
  maxSharedWith: 64,
} as const;

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_AGENT = 'default';

/** Agent ids and namespaces. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][\w.@:-]*$/, 'use letters, digits and . _ @ : - (starting with a letter or digit)');

export const tag = z
  .string()
  .min(1)
  .max(REQUEST_LIMITS.maxTagLength)
  .regex(/^[\w.:-]+$/, 'use letters, digits and . _ : -');

/** When a memory expires: ISO 8601 with offset, epoch milliseconds, or a Date. */
export const expiresAtSchema = z.union([z.iso.datetime({ offset: true }), z.number().int().positive(), z.date()]);

/** Epoch milliseconds of an expiry, refused unless it lies in the future. */
export function futureEpoch(value: z.output<typeof expiresAtSchema>, now: number, field: string): number {
  const epoch = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (epoch <= now) throw new ValidationError(`${field}: must be in the future`);
  return epoch;
}

/** Context keys the engine understands; anything else is payload, kept as the memory's metadata on writes. */
const contextSchema = z.looseObject({
  agentId: identifier.optional(),
  namespace: identifier.optional(),
  tags: z.array(tag).max(REQUEST_LIMITS.maxTags).optional(),
  importance: z.number().min(0).max(1).optional(),
  accessLevel: z.enum(ACCESS_LEVELS).optional(),
  sharedWith: z.array(identifier).max(REQUEST_LIMITS.maxSharedWith).optional(),
  expiresAt: expiresAtSchema.optional(),
  content: z.string().min(1).max(REQUEST_LIMITS.maxContentLength).optional(),
  limit: z.number().int().min(1).max(REQUEST_LIMITS.maxLimit).optional(),
  /** IANA name: where "today" and "last week" begin for this request. */
  timezone: z.string().min(1).max(64).optional(),
});

/** Other spellings accepted for context keys: the wire's snake_case, and the seed's `agent`. */
const CONTEXT_ALIASES: Record<string, string> = {
  agent_id: 'agentId',
  agent: 'agentId',
  access_level: 'accessLevel',
  shared_with: 'sharedWith',
  expires_at: 'expiresAt',
  time_zone: 'timezone',
  timeZone: 'timezone',
};
const KNOWN_KEYS = new Set([...Object.keys(contextSchema.shape), ...Object.keys(CONTEXT_ALIASES)]);

export interface ExecuteOptions {
  /** @default ExecutionMode.BALANCED */
  executionMode?: ExecutionMode;
  context?: Record<string, unknown>;
  /** @default true */
  useCache?: boolean;
}

/** A validated execution request, as the executors receive it. */
export interface ExecutionRequest {
  query: string;
  mode: ExecutionMode;
  useCache: boolean;
  namespace: string;
  agentId: string;
  tags: string[] | undefined;
  importance: number | undefined;
  accessLevel: AccessLevel | undefined;
  sharedWith: string[] | undefined;
  /** Epoch milliseconds. */
  expiresAt: number | undefined;
  content: string | undefined;
  limit: number | undefined;
  /** IANA time zone of calendar words in the query; the server's when the context names none. */
  timezone: string;
  /** Context keys the engine does not interpret. */
  payload: Record<string, unknown>;
}

const optionsSchema = z.strictObject({
  executionMode: z.enum(EXECUTION_MODES as [ExecutionMode, ...ExecutionMode[]]).optional(),
  context: z.unknown().optional(),
  useCache: z.boolean().optional(),
});

/** Validates everything `execute` receives; throws ValidationError naming the bad field, before any work. */
export function parseExecutionRequest(query: unknown, options: unknown, now: number): ExecutionRequest {
  if (typeof query !== 'string') throw new ValidationError(`query: expected a string, got ${describe(query)}`);
  const trimmed = query.trim();
  if (trimmed === '') throw new ValidationError('query: must not be empty or whitespace');
  if (trimmed.length > REQUEST_LIMITS.maxQueryLength) {
    throw new PayloadTooLargeError(
      `query: ${trimmed.length} characters is over the limit of ${REQUEST_LIMITS.maxQueryLength}`,
    );
  }
  if (trimmed.includes('\u0000')) throw new ValidationError('query: must not contain NUL characters');

  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ValidationError(`options: expected an object, got ${describe(options)}`);
  }
  const parsedOptions = optionsSchema.safeParse(options ?? {});
  if (!parsedOptions.success) throw new ValidationError(formatZodError(parsedOptions.error));
  const context = parseContext(parsedOptions.data.context);

  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) if (!KNOWN_KEYS.has(key)) payload[key] = value;
  return {
    query: trimmed,
    mode: parsedOptions.data.executionMode ?? 'balanced',
    useCache: parsedOptions.data.useCache ?? true,
    namespace: context.namespace ?? DEFAULT_NAMESPACE,
    agentId: context.agentId ?? DEFAULT_AGENT,
    tags: context.tags,
    importance: context.importance,
    accessLevel: context.accessLevel,
    sharedWith: context.sharedWith,
    expiresAt: context.expiresAt === undefined ? undefined : futureEpoch(context.expiresAt, now, 'context.expiresAt'),
    content: context.content,
    limit: context.limit,
    timezone: context.timezone === undefined ? serverTimeZone() : checkedTimeZone(context.timezone, 'context.timezone'),
    payload,
  };
}

function parseContext(raw: unknown): z.output<typeof contextSchema> {
  if (raw === undefined) return {};
  checkJsonObject(raw, 'context');
  const canonical: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = CONTEXT_ALIASES[key] ?? key;
    if (Object.hasOwn(canonical, name)) throw new ValidationError(`context.${key}: given twice (as '${name}' too)`);
    canonical[name] = value;
  }
  const parsed = contextSchema.safeParse(canonical);
  if (!parsed.success) throw new ValidationError(`context.${formatZodError(parsed.error)}`);
  return parsed.data;
}

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
