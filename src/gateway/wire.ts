/**
 * @module gateway/wire
 * Domain objects (camelCase) to and from the snake_case wire. User data (a memory's
 * metadata, captured params, tool output) is passed through untouched: its keys are the
 * user's, not ours.
 */
import type { z } from 'zod';
import type { Explanation } from '../execution/explanation.js';
import type { FusedMemory } from '../execution/executors/hybrid-search.js';
import type { MemoryInput, MemorySearch, MemorySearchResult, MemoryUpdate } from '../execution/memory-operations.js';
import type { PatternList } from '../execution/pattern-operations.js';
import { requiredRoleFor } from '../execution/required-role.js';
import type { ExecutionResult } from '../execution/result.js';
import type { AuditQuery, AuditRecord } from '../memory/audit-log.js';
import type { Memory, MemoryVersion } from '../memory/store.js';
import type { PatternDefinition } from '../patterns/definition.js';
import type { CallerStats } from './agent-gateway.js';
import type {
  auditListSchema,
  auditQuerySchema,
  executeResponseSchema,
  explanationSchema,
  memoryHistorySchema,
  memoryListSchema,
  memorySchema,
  patternListSchema,
  patternSchema,
  searchMemoriesRequestSchema,
  statsSchema,
  storeMemoryRequestSchema,
  updateMemoryRequestSchema,
} from './wire-schemas.js';

type Json = Record<string, unknown>;
/** The wire types are the schemas' outputs: what the HTTP serializer and the MCP client check. */
export type WireExecution = z.output<typeof executeResponseSchema>;
export type WireMemory = z.output<typeof memorySchema>;
export type WireMemoryList = z.output<typeof memoryListSchema>;
export type WireMemoryHistory = z.output<typeof memoryHistorySchema>;
export type WirePattern = z.output<typeof patternSchema>;
export type WirePatternList = z.output<typeof patternListSchema>;
export type WireExplanation = z.output<typeof explanationSchema>;
export type WireStats = z.output<typeof statsSchema>;
export type WireAuditList = z.output<typeof auditListSchema>;

/** Keys whose values are user data and keep their keys as they are. */
const USER_DATA_KEYS = new Set(['metadata', 'params', 'output']);
/** Frozen values (cached results) are converted once and the conversion reused… */
const converted = new WeakMap<object, unknown>();
/** …and serialized once: a cache hit's result is the same object every time. */
const serialized = new WeakMap<object, string>();
const snakeNames = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 10_000;

/** Deep copy with camelCase keys in snake_case; other keys (codes, tags, names) unchanged. */
export function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const known = converted.get(value);
    if (known !== undefined) return known;
  }
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map(toWire);
  } else {
    const object: Json = {};
    for (const [key, item] of Object.entries(value)) {
      object[snakeCase(key)] = USER_DATA_KEYS.has(key) ? item : toWire(item);
    }
    out = object;
  }
  if (frozen) {
    converted.set(value, out);
    cachedConversions.add(out as object);
  }
  return out;
}

function snakeCase(key: string): string {
  const known = snakeNames.get(key);
  if (known !== undefined) return known;
  const snake = /^[a-z][a-zA-Z0-9]*$/.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;
  if (snakeNames.size < MAX_REMEMBERED_NAMES) snakeNames.set(key, snake);
  return snake;
}

/**
 * The JSON of an execute response. Same output as JSON.stringify, but a cached result's
 * JSON is produced once and reused, so a cache hit costs no re-serialization of its memories.
 */
export function stringifyExecution(wire: WireExecution): string {
  const { result, ...rest } = wire;
  let resultJson = result === null ? 'null' : serialized.get(result);
  if (resultJson === undefined) {
    resultJson = JSON.stringify(result);
    if (cachedConversions.has(result!)) serialized.set(result!, resultJson);
  }
  return `${JSON.stringify(rest).slice(0, -1)},"result":${resultJson}}`;
}

/** Conversions of frozen (cached) values: safe to serialize once, since neither side changes. */
const cachedConversions = new WeakSet<object>();

export function toWireExecution(result: ExecutionResult): WireExecution {
  return {
    pattern: result.patternName,
    success: result.success,
    execution_time_ms: result.executionTimeMs,
    tokens_used: result.tokensUsed,
    cache_hit: result.cacheHit,
    result: toWire(result.result) as Json | null,
    metadata: toWire(result.metadata) as Json,
  };
}

/** How a search ranked a memory (hybrid searches give every field, full text the score only). */
type Ranking = Partial<Pick<FusedMemory, 'score' | 'lexicalRank' | 'semanticRank' | 'similarity' | 'exact'>>;

/**
 * A memory on the wire, field by field: what is sent is what memorySchema declares, so HTTP
 * and MCP (whose clients check the declared output schema) return the same fields, and a
 * field added to the domain object stays out until it is declared here and in the schema.
 */
export function toWireMemory(memory: Memory & Ranking): WireMemory {
  return {
    id: memory.id,
    namespace: memory.namespace,
    agent_id: memory.agentId,
    content: memory.content,
    tags: memory.tags,
    metadata: memory.metadata,
    importance: memory.importance,
    access_level: memory.accessLevel,
    shared_with: memory.sharedWith,
    created_at: memory.createdAt,
    updated_at: memory.updatedAt,
    accessed_at: memory.accessedAt,
    access_count: memory.accessCount,
    expires_at: memory.expiresAt,
    content_hash: memory.contentHash,
    ...(memory.score !== undefined && { score: memory.score }),
    ...(memory.lexicalRank !== undefined && { lexical_rank: memory.lexicalRank }),
    ...(memory.semanticRank !== undefined && { semantic_rank: memory.semanticRank }),
    ...(memory.similarity !== undefined && { similarity: memory.similarity }),
    ...(memory.exact !== undefined && { exact: memory.exact }),
  };
}

export function toWireMemories({ memories, vectors }: MemorySearchResult): WireMemoryList {
  return { count: memories.length, memories: memories.map(toWireMemory), ...(vectors !== undefined && { vectors }) };
}

export function toWirePattern(pattern: PatternDefinition): WirePattern {
  return { ...pattern.toConfig(), required_role: requiredRoleFor(pattern) };
}

export function toWirePatternList(list: PatternList): WirePatternList {
  return { count: list.patterns.length, version: list.version, patterns: list.patterns.map(toWirePattern) };
}

export function toWireExplanation(explanation: Explanation): WireExplanation {
  return toWire(explanation) as WireExplanation;
}

export function toWireStats(stats: CallerStats): WireStats {
  return toWire(stats) as WireStats;
}

export function toWireAudit(records: readonly AuditRecord[]): WireAuditList {
  return {
    count: records.length,
    entries: records.map((r) => ({
      ...(toWire(r) as WireAuditList['entries'][number]),
      at: new Date(r.at).toISOString(),
    })),
  };
}

export function fromWireMemoryInput(body: z.output<typeof storeMemoryRequestSchema>): MemoryInput {
  return { content: body.content, ...fromWireMemoryUpdate(body) };
}

export function fromWireMemoryUpdate(body: z.output<typeof updateMemoryRequestSchema>): MemoryUpdate {
  return dropUndefined({
    tags: body.tags,
    importance: body.importance,
    accessLevel: body.access_level,
    sharedWith: body.shared_with,
    expiresAt: body.expires_at,
    metadata: body.metadata,
  }) as MemoryUpdate;
}

export function fromWireSearch(body: z.output<typeof searchMemoriesRequestSchema>): MemorySearch {
  return dropUndefined({
    query: body.query,
    tags: body.tags,
    minImportance: body.min_importance,
    limit: body.limit,
    mode: body.mode,
    since: body.since,
    until: body.until,
    timezone: body.timezone,
  });
}

export function toWireHistory(id: string, versions: readonly MemoryVersion[]): WireMemoryHistory {
  return {
    id,
    count: versions.length,
    versions: versions.map((v) => toWire(v) as WireMemoryHistory['versions'][number]),
  };
}

export function fromWireAuditQuery(query: z.output<typeof auditQuerySchema>): AuditQuery {
  return {
    ...dropUndefined({
      agentId: query.agent_id,
      namespace: query.namespace,
      operation: query.operation,
      pattern: query.pattern,
      success: query.success,
      since: query.since === undefined ? undefined : Date.parse(query.since),
      until: query.until === undefined ? undefined : Date.parse(query.until),
      beforeId: query.before_id,
    }),
    limit: query.limit,
  };
}

function dropUndefined<T extends Json>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
