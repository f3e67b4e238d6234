/**
 * @module tmws-patterns/testing
 * The contract suites of the backend ports, for whoever writes a backend: each function
 * registers its tests with the caller's vitest (a peer dependency, needed only here), so a
 * backend's spec is a few lines. The built-in backends run through these same suites.
 *
 * ```ts
 * import { memoryStoreSuite } from 'tmws-patterns/testing';
 * memoryStoreSuite({ name: 'mine', open: async () => ({ store, advance, cleanup }) });
 * ```
 */
export { memoryStoreSuite, type MemoryStoreSuiteOptions } from './memory-store-suite.js';
export { auditLogSuite, type AuditLogSuiteOptions } from './audit-log-suite.js';
export { executionLogSuite, type ExecutionLogSuiteOptions } from './execution-log-suite.js';
export { resultCacheSuite, type ResultCacheSuiteOptions } from './result-cache-suite.js';
export { sharedCacheTierSuite, type SharedCacheTierSuiteOptions } from './shared-cache-tier-suite.js';
export { tieredResultCacheSuite, type TieredResultCacheSuiteOptions } from './tiered-result-cache-suite.js';
export { MemorySharedCacheTier, type MemorySharedCacheTierOptions } from './memory-shared-cache-tier.js';
export type {
  AuditLogUnderTest,
  CacheUnderTest,
  DisposableSharedTier,
  ExecutionLogUnderTest,
  SharedTierBackend,
  SharedTierDeployment,
  StoreUnderTest,
} from './subjects.js';
