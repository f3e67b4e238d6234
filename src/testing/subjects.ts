/**
 * @module testing/subjects
 * What a backend's spec hands the suites of tmws-patterns/testing: one test's instance and
 * how to release it (each suite keeps its data apart by a unique namespace per test).
 */
import type { ResultCache } from '../cache/result-cache.js';
import type { SharedCacheTier } from '../cache/shared-cache-tier.js';
import type { AuditLog } from '../memory/audit-log.js';
import type { ExecutionLog } from '../memory/execution-log.js';
import type { MemoryStore } from '../memory/store.js';

/** One test's store. */
export interface StoreUnderTest {
  store: MemoryStore;
  /** Moves the store's clock forward. */
  advance(ms: number): void;
  /** Removes everything the test wrote and releases the store. */
  cleanup(): Promise<void>;
}

/** One test's audit log. */
export interface AuditLogUnderTest {
  log: AuditLog;
  /** Change and remove appended entries behind the port's back; each must throw. */
  tamper?: { update(): Promise<void>; remove(): Promise<void> };
  cleanup(): Promise<void>;
}

/** One test's execution log. */
export interface ExecutionLogUnderTest {
  log: ExecutionLog;
  /** Removes what the test appended (the log has no delete of its own). */
  cleanup(): Promise<void>;
}

/** One test's result cache. */
export interface CacheUnderTest {
  cache: ResultCache<{ n: number }>;
  cleanup(): Promise<void>;
}

/** One deployment's shared tier: each connect() is another instance's connection to the same data. */
export interface SharedTierDeployment {
  connect(): Promise<SharedCacheTier>;
  cleanup(): Promise<void>;
}

/** A deployment whose server the test may stop, and start again empty (as Redis without persistence). */
export interface DisposableSharedTier {
  connect(): Promise<SharedCacheTier>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** How a shared tier's spec gives the suites their deployments. */
export interface SharedTierBackend {
  deployment(): Promise<SharedTierDeployment>;
  /** Without it, the tiered cache's outage tests are not registered. */
  disposable?(): Promise<DisposableSharedTier>;
}
