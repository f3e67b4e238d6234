/**
 * @module memory/memory-record
 * The memory record, once: its fields and their rules as zod schemas (camelCase). Every other
 * shape of a memory is a selection or an extension of it: what a writer gives (store,
 * update, import), the execute context's memory fields, the store's input types, and, through
 * the one snake_case transform of wire-names.ts, the HTTP and MCP schemas and the dashboard's
 * types. Adding a field is a change here plus the store's column.
 */
import { z } from 'zod';
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import { formatZodError } from '../validation.js';

export const ACCESS_LEVELS = ['private', 'team', 'shared', 'public'] as const;
/**
 * Who may read a memory inside its namespace: `private` its agent only; `shared` its agent
 * and the agents in `sharedWith`; `team` and `public` every agent of the namespace.
 * Nothing is ever visible outside its namespace.
 */
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Size limits of a memory's fields, documented in the README (REQUEST_LIMITS repeats them). */
export const MEMORY_LIMITS = {
  /** Characters of trimmed content. */
  maxContentLength: 32 * 1024,
  maxTags: 32,
  maxTagLength: 64,
  maxSharedWith: 64,
} as const;

/** Agent ids and namespaces. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][\w.@:-]*$/, 'use letters, digits and . _ @ : - (starting with a letter or digit)');

export const tag = z
  .string()
  .min(1)
  .max(MEMORY_LIMITS.maxTagLength)
  .regex(/^[\w.:-]+$/, 'use letters, digits and . _ : -');

/** Memory ids are UUIDs today; accepting a little more keeps other backends' ids valid. */
export const memoryId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9-]+$/, 'a memory id uses letters, digits and -');

/** A time a caller gives: ISO 8601 with offset, or epoch milliseconds (a Date from the library becomes the latter). */
export const instant = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()])
  .describe('ISO 8601 with offset, or epoch milliseconds');

const isoTime = z.string().describe('ISO 8601');

/** A memory as stored and returned; the rules of the written fields are the ones every writer is held to. */
export const memoryRecordSchema = z.object({
  id: z.string(),
  namespace: identifier,
  agentId: identifier,
  content: z
    .string()
    .trim()
    .min(1, 'must not be empty or whitespace')
    .max(MEMORY_LIMITS.maxContentLength, `over the limit of ${MEMORY_LIMITS.maxContentLength} characters`),
  tags: z.array(tag).max(MEMORY_LIMITS.maxTags),
  metadata: z.record(z.string(), z.unknown()),
  importance: z.number().min(0).max(1),
  accessLevel: z.enum(ACCESS_LEVELS),
  sharedWith: z.array(identifier).max(MEMORY_LIMITS.maxSharedWith),
  createdAt: isoTime,
  updatedAt: isoTime,
  accessedAt: isoTime.nullable(),
  accessCount: z.number().int(),
  expiresAt: isoTime.nullable(),
  /** SHA-256 of the trimmed content: the same agent storing it again updates this memory. */
  contentHash: z.string(),
});

/** A stored memory. */
export type MemoryRecord = z.output<typeof memoryRecordSchema>;

const record = memoryRecordSchema.shape;

/** A memory to store, as a writer gives it: content, and the optional fields a writer sets. */
export const memoryInputSchema = z.strictObject({
  content: record.content,
  tags: record.tags.optional(),
  importance: record.importance.optional().describe('0 to 1; default 0.5'),
  accessLevel: record.accessLevel.optional().describe('default private'),
  sharedWith: record.sharedWith.optional(),
  expiresAt: instant.nullable().optional().describe('Must be in the future; null: never expires'),
  metadata: record.metadata.optional(),
});

/** A change to a stored memory: each field given replaces the stored one (tags and metadata too). */
export const memoryUpdateSchema = memoryInputSchema.omit({ content: true });

/** A memory to import: a writer's fields, its own owner and namespace, and its original creation time. */
export const memoryImportSchema = memoryInputSchema.extend({
  namespace: record.namespace,
  agentId: record.agentId,
  createdAt: instant.optional(),
});

/** The fields the execute context may set on the memory a query stores (the rest of the context is its metadata). */
export const contextMemorySchema = memoryInputSchema
  .pick({ content: true, tags: true, importance: true, accessLevel: true, sharedWith: true, expiresAt: true })
  .partial();

/** Fields the store sets itself: an export or a reply imports back without them. */
export const SET_BY_STORE: ReadonlySet<string> = new Set(
  Object.keys(record).filter((key) => !Object.hasOwn(memoryImportSchema.shape, key)),
);

/** A caller's instant (already parsed) as epoch milliseconds. */
export function epochOf(value: z.output<typeof instant>): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

/** Epoch milliseconds of an expiry, refused unless it lies in the future. */
export function futureEpoch(value: z.output<typeof instant>, now: number, field: string): number {
  const epoch = epochOf(value);
  if (epoch <= now) throw new ValidationError(`${field}: must be in the future`);
  return epoch;
}

/** A library caller may give a time as a Date: the record's schemas take it as its epoch milliseconds. */
export function withEpochDates(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if (!Object.values(value).some((item) => item instanceof Date)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, item instanceof Date ? item.getTime() : item]),
  );
}

/**
 * Parses a memory's fields with one of the record's schemas: content over its limit is
 * PAYLOAD_TOO_LARGE (as the wire says), anything else VALIDATION_ERROR naming each bad field.
 */
export function parseMemoryFields<S extends z.ZodType>(schema: S, input: unknown, label: string): z.output<S> {
  const result = schema.safeParse(withEpochDates(input));
  if (result.success) return result.data;
  const tooLong = result.error.issues.some((i) => i.code === 'too_big' && i.origin === 'string');
  const Kind = tooLong ? PayloadTooLargeError : ValidationError;
  throw new Kind(`${label}: ${formatZodError(result.error)}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
  });
}

/** Content as every writer must give it: trimmed, not empty, within the limit (PAYLOAD_TOO_LARGE over it). */
export function checkedContent(content: unknown): string {
  return parseMemoryFields(record.content, content, 'content');
}
