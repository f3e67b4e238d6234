/**
 * @module execution/request
 * What `execute` receives, checked: the query, the options, and the context, whose memory
 * fields follow the memory record's rules and whose other keys are the memory's metadata.
 */
import { z } from 'zod';
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import { describeValue as describe } from '../json-limits.js';
import {
  contextMemorySchema,
  futureEpoch,
  identifier,
  withEpochDates,
  type AccessLevel,
} from '../memory/memory-record.js';
import { EXECUTION_MODES, type ExecutionMode } from '../patterns/pattern-type.js';
import { checkedTimeZone, serverTimeZone } from '../time/resolve-window.js';
import { formatZodError } from '../validation.js';
import { libraryName } from '../wire-names.js';
import { checkJsonObject, DEFAULT_AGENT, DEFAULT_NAMESPACE, REQUEST_LIMITS } from './request-limits.js';

/** Context keys the engine understands; anything else is payload, kept as the memory's metadata on writes. */
const contextSchema = z.looseObject({
  agentId: identifier.optional(),
  namespace: identifier.optional(),
  ...contextMemorySchema.shape,
  limit: z.number().int().min(1).max(REQUEST_LIMITS.maxLimit).optional(),
  /** IANA name: where "today" and "last week" begin for this request. */
  timezone: z.string().min(1).max(64).optional(),
});

const CONTEXT_KEYS: ReadonlySet<string> = new Set(Object.keys(contextSchema.shape));
/** Spellings of the seed's and of habit, beside the wire's snake_case ones. */
const OTHER_SPELLINGS: Readonly<Record<string, string>> = {
  agent: 'agentId',
  time_zone: 'timezone',
  timeZone: 'timezone',
};

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
  for (const [key, value] of Object.entries(context)) if (!CONTEXT_KEYS.has(key)) payload[key] = value;
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
    expiresAt: context.expiresAt == null ? undefined : futureEpoch(context.expiresAt, now, 'context.expiresAt'),
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
    const name = OTHER_SPELLINGS[key] ?? libraryName(key, CONTEXT_KEYS);
    if (Object.hasOwn(canonical, name)) throw new ValidationError(`context.${key}: given twice (as '${name}' too)`);
    canonical[name] = value;
  }
  const parsed = contextSchema.safeParse(withEpochDates(canonical));
  if (!parsed.success) throw new ValidationError(`context.${formatZodError(parsed.error)}`);
  return parsed.data;
}
