/**
 * @module gateway/wire
 * Domain objects (camelCase) to and from the snake_case wire, by the one name transform of
 * wire-names.ts; deep conversion and serializer caches are in wire-serialization.ts.
 */
import type { z } from 'zod';
import type { Explanation } from '../execution/explanation.js';
import type { FusedMemory } from '../execution/executors/hybrid-search.js';
import type { MemoryInput, MemorySearch, MemorySearchResult, MemoryUpdate } from '../execution/memory-operations.js';
import type { PatternList } from '../execution/pattern-operations.js';
import { requiredRoleFor } from '../execution/required-role.js';
import type { ExecutionResult } from '../execution/result.js';
import type { AuditQuery, AuditRecord } from '../memory/audit-log.js';
import { memoryRecordSchema } from '../memory/memory-record.js';
import type { Memory, MemoryVersion } from '../memory/store.js';
import type { PatternDefinition } from '../patterns/definition.js';
import { fromWire, snakeCase } from '../wire-names.js';
import type { CallerStats } from './agent-gateway.js';
import { toWire, type WireExecution } from './wire-serialization.js';
import type {
  auditListSchema,
  auditQuerySchema,
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

export { stringifyExecution, toWire, type WireExecution } from './wire-serialization.js';

type Json = Record<string, unknown>;
/** The wire types are the schemas' outputs: what the HTTP serializer and the MCP client check. */
export type WireMemory = z.output<typeof memorySchema>;
export type WireMemoryList = z.output<typeof memoryListSchema>;
export type WireMemoryHistory = z.output<typeof memoryHistorySchema>;
export type WirePattern = z.output<typeof patternSchema>;
export type WirePatternList = z.output<typeof patternListSchema>;
export type WireExplanation = z.output<typeof explanationSchema>;
export type WireStats = z.output<typeof statsSchema>;
export type WireAuditList = z.output<typeof auditListSchema>;

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

const RECORD_KEYS = Object.keys(memoryRecordSchema.shape) as Array<keyof Memory>;
const RANKING_KEYS = ['score', 'lexicalRank', 'semanticRank', 'similarity', 'exact'] as const;

/**
 * A memory on the wire: the record's fields (and a search's ranking), each under its
 * snake_case name. Only declared fields are sent, so HTTP and MCP (whose clients check the
 * declared output schema) return the same, and a store's extra properties stay out.
 */
export function toWireMemory(memory: Memory & Ranking): WireMemory {
  const wire: Json = {};
  for (const key of RECORD_KEYS) wire[snakeCase(key)] = memory[key];
  for (const key of RANKING_KEYS) if (memory[key] !== undefined) wire[snakeCase(key)] = memory[key];
  return wire as WireMemory;
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
  return fromWire(body);
}

export function fromWireMemoryUpdate(body: z.output<typeof updateMemoryRequestSchema>): MemoryUpdate {
  return fromWire(body);
}

export function fromWireSearch(body: z.output<typeof searchMemoriesRequestSchema>): MemorySearch {
  return fromWire(body);
}

export function toWireHistory(id: string, versions: readonly MemoryVersion[]): WireMemoryHistory {
  return {
    id,
    count: versions.length,
    versions: versions.map((v) => toWire(v) as WireMemoryHistory['versions'][number]),
  };
}

export function fromWireAuditQuery(query: z.output<typeof auditQuerySchema>): AuditQuery {
  const { since, until, ...rest } = fromWire<Omit<AuditQuery, 'since' | 'until'> & { since?: string; until?: string }>(
    query,
  );
  return {
    ...rest,
    ...(since !== undefined && { since: Date.parse(since) }),
    ...(until !== undefined && { until: Date.parse(until) }),
  };
}
