/**
 * @module tmws-patterns
 * Public API. Every export here is a commitment: add one deliberately.
 */
export { createPatternExecutionEngine, type EngineOptions } from './create-engine.js';
export { openMemoryStore, type MemoryStoreOptions, type OpenedMemoryStore } from './open-memory-store.js';
export { openRedisCacheTier, type RedisCacheTierOptions } from './cache/open-redis-cache-tier.js';
export type { SharedCacheTier, SharedEntry, FillState } from './cache/shared-cache-tier.js';
export type { PostgresSettingsInput } from './memory/postgres/postgres-settings.js';
export { PatternExecutionEngine, type EngineStats, type NamespaceStats, type PlanOptions } from './execution/engine.js';
export type { CachePolicy, ExecutionPlan, PlanTrace, RunPlan } from './execution/planner.js';
export type {
  MemoryInput,
  MemoryScope,
  MemorySearch,
  MemorySearchResult,
  MemoryUpdate,
} from './execution/memory-operations.js';
export type { MemoryImport } from './execution/memory-import.js';
export type { ImportOptions, ImportSource } from './execution/batched-import.js';
export type { PatternList } from './execution/pattern-operations.js';
export type { Explanation } from './execution/explanation.js';
export type { ExecutionResult, ExecutionMetadata } from './execution/result.js';
export { REQUEST_LIMITS } from './execution/request-limits.js';
export { type ExecuteOptions } from './execution/request.js';
export type { ExecutionCounters, ExecutionTimeline, LatencySummary, PatternCounters } from './execution/stats.js';
export { ToolRegistry, type ToolHandler, type ToolCall } from './execution/tools.js';

export { PatternType, ExecutionMode } from './patterns/pattern-type.js';
export {
  PatternDefinition,
  PATTERN_LIMITS,
  type PatternConfig,
  type PatternDefinitionInit,
  type PatternRateLimit,
  type Role,
} from './patterns/definition.js';
export {
  PatternRegistry,
  type PatternMatch,
  type RegistryStats,
  type RegisterOptions,
  type RegistryOptions,
  type ReplaceAllOptions,
  type MatchExplanation,
  type CandidateReport,
  type WinReason,
} from './patterns/registry.js';
export type { ParameterSpec } from './patterns/parameters.js';
export type { PatternReload } from './patterns/pattern-files.js';
export { patternFileJsonSchema } from './patterns/pattern-file-schema.js';
export { ACTIONS, type ActionName, type ActionKind } from './patterns/actions.js';
export { loadBuiltinCatalog, BUILTIN_CATALOG_PATH } from './patterns/catalog.js';
export {
  readPatternFiles,
  loadPatternFiles,
  type PatternFileIssue,
  type PatternFileReport,
} from './patterns/file-loader.js';

export { HybridDecisionRouter } from './execution/decision-router.js';
export type { RoutingDecision } from './routing/route-classifier.js';
export type { RouterStats } from './execution/routing-stats.js';

export type { Embedder, EmbedderIdentity, EmbedderInfo } from './embeddings/embedder.js';
export { HashingEmbedder } from './embeddings/hashing-embedder.js';
export { LocalEmbedder, type LocalEmbedderOptions } from './embeddings/local-embedder.js';
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from './embeddings/openai-embedder.js';
export { EmbeddingProviderError } from './embeddings/embedding-provider-error.js';
export { createEmbedder, type EmbedderSpec, type OpenAIEmbedderSpec } from './embeddings/create-embedder.js';
export { Lexicon, loadLexicon, type LexiconSource } from './lexicon/lexicon.js';
export type {
  AccessLevel,
  EmbeddingInput,
  EmbeddingMigration,
  Memory,
  MemoryChange,
  MemoryFilter,
  MemoryPatch,
  MemoryStore,
  MemoryVersion,
  NearestQuery,
  NewMemory,
  ImportedMemory,
  PendingEmbedding,
  Scope,
  ScoredMemory,
  SearchQuery,
  StoreResult,
  TagCount,
} from './memory/store.js';
export type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from './memory/audit-log.js';
export type { ExecutionLog, ExecutionRecord, ExecutionSummary, PatternSummary } from './memory/execution-log.js';

export {
  ERROR_CODES,
  PatternServiceError,
  ValidationError,
  UnsafePatternError,
  PayloadTooLargeError,
  NotFoundError,
  PatternNotFoundError,
  MemoryNotFoundError,
  UnknownPatternError,
  ToolNotFoundError,
  ConflictError,
  ExecutionFailedError,
  StoreUnavailableError,
  UnauthorizedError,
  ForbiddenError,
  QuotaExceededError,
  RateLimitedError,
  type ErrorCode,
} from './errors.js';
