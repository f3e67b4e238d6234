/**
 * @module gateway/wire-schemas
 * The snake_case JSON that HTTP and MCP accept and return, as zod schemas: they validate
 * requests on both surfaces and generate the OpenAPI document and the MCP tool schemas,
 * so the documentation cannot drift from what is enforced. A memory's schemas are the memory
 * record's (memory/memory-record.ts) under its snake_case names (wire-names.ts); other limits
 * repeat the engine's (REQUEST_LIMITS), which validates again with the same numbers.
 */
import { z } from 'zod';
import { SEARCH_MODES } from '../execution/memory-operations.js';
import { REQUEST_LIMITS } from '../execution/request-limits.js';
import { memoryInputSchema, memoryRecordSchema, memoryUpdateSchema, tag } from '../memory/memory-record.js';
import { patternConfigSchema, ROLES } from '../patterns/definition.js';
import { EXECUTION_MODES, PATTERN_TYPES, type ExecutionMode, type PatternType } from '../patterns/pattern-type.js';
import { wireSchema } from '../wire-names.js';

const json = z.record(z.string(), z.unknown());
const modes = EXECUTION_MODES as [ExecutionMode, ...ExecutionMode[]];
const patternTypes = PATTERN_TYPES as [PatternType, ...PatternType[]];

export const executionModeSchema = z
  .enum(modes)
  .describe('fast: infrastructure only; balanced: best match, else routed; comprehensive: everything, hybrid reads');

export const executeRequestSchema = z
  .strictObject({
    query: z.string().max(REQUEST_LIMITS.maxQueryLength).describe('The natural-language command'),
    mode: executionModeSchema.default('balanced'),
    use_cache: z.boolean().default(true),
    context: json
      .optional()
      .describe(
        'tags, importance, access_level, shared_with, expires_at, content, limit, plus any JSON payload; the agent and namespace come from the credential',
      ),
  })
  .describe('ExecuteRequest');

export const executeResponseSchema = z
  .object({
    pattern: z.string(),
    success: z.boolean(),
    execution_time_ms: z.number(),
    tokens_used: z.number().int(),
    cache_hit: z.boolean(),
    result: json.nullable(),
    metadata: json,
  })
  .describe('ExecuteResponse');

export const memorySchema = wireSchema(memoryRecordSchema)
  .extend({
    score: z.number().optional().describe('Relevance, in searches'),
    lexical_rank: z.number().nullable().optional().describe('Hybrid search: rank in the full-text results, or null'),
    semantic_rank: z
      .number()
      .nullable()
      .optional()
      .describe("Hybrid search: rank among the vector neighbours above the embedder's similarity floor, or null"),
    similarity: z.number().nullable().optional().describe('Hybrid search: cosine similarity to the query, or null'),
    exact: z
      .boolean()
      .optional()
      .describe("Hybrid search: every topic word of the query is in the memory's text or tags"),
  })
  .describe('Memory');

export const storeMemoryRequestSchema = wireSchema(memoryInputSchema).describe('StoreMemoryRequest');

export const updateMemoryRequestSchema = wireSchema(memoryUpdateSchema).describe(
  'UpdateMemoryRequest: each field given replaces the stored one (tags and metadata too); an access_level other than shared without shared_with clears the list',
);

export const storeMemoryResponseSchema = z.object({ created: z.boolean(), memory: memorySchema });

export const searchMemoriesRequestSchema = z
  .strictObject({
    query: z.string().max(REQUEST_LIMITS.maxQueryLength).optional(),
    tags: z.array(tag).max(REQUEST_LIMITS.maxTags).optional(),
    min_importance: z.number().min(0).max(1).optional(),
    limit: z.number().int().min(1).max(REQUEST_LIMITS.maxLimit).optional(),
    mode: z.enum(SEARCH_MODES).optional(),
    since: z
      .string()
      .max(100)
      .optional()
      .describe(
        "Created at or after: an ISO date or date-time, a span back from now (24h, 7d, 2w, 3mo, 1y), or words ('yesterday', 'last Monday')",
      ),
    until: z
      .string()
      .max(100)
      .optional()
      .describe('Created before; as since (a day given in words or as a date counts whole)'),
    timezone: z
      .string()
      .max(64)
      .optional()
      .describe(
        "IANA time zone of calendar words and dates in since/until (e.g. 'Europe/Paris'); default the server's",
      ),
  })
  .describe('SearchMemoriesRequest');

export const memoryListSchema = z.object({
  count: z.number().int(),
  memories: z.array(memorySchema),
  vectors: z
    .string()
    .optional()
    .describe(
      "Hybrid mode, when vectors could not be searched and the ranking is full text alone: 'unavailable: <why>'",
    ),
});

export const memoryIdParamsSchema = z.strictObject({ id: z.string().max(128) });

export const memoryVersionSchema = z
  .object({
    version: z.number().int(),
    change: z.enum(['update', 'delete', 'restore']).describe('What replaced this state'),
    changed_at: z.string(),
    changed_by: z.string(),
    memory: memorySchema,
  })
  .describe('MemoryVersion: a memory as it was before a change');

export const memoryHistorySchema = z.object({
  id: z.string(),
  count: z.number().int(),
  versions: z.array(memoryVersionSchema).describe('Newest first'),
});

export const restoreMemoryRequestSchema = z
  .strictObject({
    version: z.number().int().min(1).optional().describe('The version to bring back; default the latest kept'),
  })
  .describe('RestoreMemoryRequest');

export const patternSchema = patternConfigSchema
  .extend({ required_role: z.enum(ROLES).describe('The role running it needs (declared, or from its action)') })
  .describe('Pattern');

export const patternListSchema = z.object({
  count: z.number().int(),
  version: z.number().int(),
  patterns: z.array(patternSchema),
});

export const patternNameParamsSchema = z.strictObject({ name: z.string().max(128) });

export const listPatternsQuerySchema = z.strictObject({ type: z.enum(patternTypes).optional() });

export const registerPatternQuerySchema = z.strictObject({
  replace: z.stringbool().default(false).describe('Replace a pattern of the same name'),
});

export const registerPatternToolSchema = z.strictObject({
  pattern: patternConfigSchema,
  replace: z.boolean().default(false),
});

export const explainRequestSchema = z
  .strictObject({
    query: z.string().max(REQUEST_LIMITS.maxQueryLength),
    mode: executionModeSchema.default('balanced'),
  })
  .describe('ExplainRequest');

export const explanationSchema = z
  .object({
    query: z.string(),
    mode: executionModeSchema,
    matched: z
      .object({
        pattern: z.string(),
        pattern_type: z.enum(patternTypes),
        action: z.string(),
        params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
        matched_text: z.string(),
      })
      .nullable(),
    routing: json,
    candidates: z.array(json).describe('Every pattern the matcher tried, and its outcome'),
    winner: json.nullable().describe('Why the matched pattern won'),
    pattern: z.string().nullable().describe('What execute would run; null: it would answer PATTERN_NOT_FOUND'),
    cache_ttl: z.number().int(),
    required_role: z.enum(ROLES).nullable(),
    window: z
      .object({
        from: z.string().nullable(),
        to: z.string().nullable(),
        description: z.string(),
        timezone: z.string(),
      })
      .nullable()
      .describe('The created-time window the query names, placed on the calendar now; null when none'),
    text: z.string().nullable().describe('What the pattern would read, without the window’s words'),
  })
  .describe('Explanation');

const latencySummarySchema = z.object({
  samples: z.number().int(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  mean: z.number(),
});
const statusSchema = z.enum(['ok', 'degraded', 'down']);

export const whoamiSchema = z
  .object({
    agent_id: z.string(),
    namespace: z.string(),
    role: z.enum(ROLES),
    credential: z.string().describe('How the caller signed in: api-key:<id>, jwt or local'),
  })
  .describe('WhoAmI');

export const statsSchema = z
  .looseObject({
    namespace: z
      .string()
      .nullable()
      .describe("Whose figures: the caller's namespace, or null for every namespace (admins)"),
    total_executions: z.number().int(),
    success_rate: z.number(),
    cache_hit_rate: z.number(),
    tokens_used: z.number(),
    tokens_saved_by_cache: z.number(),
    latency_ms: z.object({ by_type: z.record(z.string(), latencySummarySchema), cache_hits: latencySummarySchema }),
    by_pattern: z.record(
      z.string(),
      z.looseObject({
        executions: z.number().int(),
        cache_hit_rate: z.number(),
        latency_ms: latencySummarySchema.describe('Executed (not cached) runs'),
      }),
    ),
    timeline: z
      .object({
        bucket_seconds: z.number(),
        from: z.string(),
        until: z.string(),
        executions: z.array(z.number()),
        successes: z.array(z.number()),
        cache_hits: z.array(z.number()),
        tokens_used: z.array(z.number()),
        tokens_saved: z.array(z.number()),
      })
      .describe('The last ten minutes in buckets, oldest first'),
    health: z.object({
      store: z.object({ status: statusSchema }),
      cache: z.object({ status: statusSchema, tiers: z.record(z.string(), z.object({ status: statusSchema })) }),
    }),
  })
  .describe('Stats');

export const auditQuerySchema = z.strictObject({
  agent_id: z.string().max(128).optional(),
  namespace: z.string().max(128).optional(),
  operation: z.string().max(64).optional(),
  pattern: z.string().max(128).optional(),
  success: z.stringbool().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  before_id: z.coerce.number().int().positive().optional().describe('Cursor: the smallest id of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const auditRecordSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  agent_id: z.string(),
  namespace: z.string(),
  operation: z.string(),
  pattern: z.string().nullable(),
  target: z.string().nullable(),
  success: z.boolean(),
  duration_ms: z.number(),
  error_code: z.string().nullable(),
  surface: z.string(),
  count: z
    .number()
    .int()
    .describe('Operations the entry stands for: refusals are counted into one entry per caller and minute'),
});

export const auditListSchema = z.object({ count: z.number().int(), entries: z.array(auditRecordSchema) });

export const errorSchema = z
  .object({
    code: z.string().describe('Stable error code (see the error table)'),
    message: z.string(),
    details: json.optional(),
  })
  .describe('Error');
