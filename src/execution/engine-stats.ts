import type { ResultCache } from '../cache/result-cache.js';
import type { MemoryStore } from '../memory/store.js';
import type { PatternRegistry } from '../patterns/registry.js';
import type { ExecutionAccounting } from './accounting.js';
import type { CachedExecution } from './plan-runner.js';
import type { RouterStats } from './routing-stats.js';
import type { ExecutionCounters } from './stats.js';

/** Every namespace's figures, with the server-wide cache, registry and router counters. */
export interface EngineStats extends ExecutionCounters {
  /** null: every namespace. */
  namespace: null;
  cache: ReturnType<ResultCache<CachedExecution>['stats']>;
  registry: ReturnType<PatternRegistry['stats']>;
  router: RouterStats;
  store: { backend: string };
  uptimeSeconds: number;
}

/** One namespace's figures, and nothing that counts other namespaces' activity. */
export interface NamespaceStats extends ExecutionCounters {
  namespace: string;
  registry: Pick<ReturnType<PatternRegistry['stats']>, 'patterns' | 'byType' | 'version'>;
  store: { backend: string };
  uptimeSeconds: number;
}

export interface EngineStatisticsSources {
  accounting: ExecutionAccounting;
  registry: PatternRegistry;
  cache: ResultCache<CachedExecution>;
  store: MemoryStore;
  now(): number;
}

/** The statistics of one engine since it started: of every namespace, or of one (what the stats action answers). */
export class EngineStatistics {
  readonly #sources: EngineStatisticsSources;
  readonly #startedAt: number;

  constructor(sources: EngineStatisticsSources) {
    this.#sources = sources;
    this.#startedAt = sources.now();
  }

  all(): EngineStats {
    const { accounting, cache, registry } = this.#sources;
    return {
      ...accounting.snapshot(),
      namespace: null,
      cache: cache.stats(),
      registry: registry.stats(),
      router: accounting.routing(),
      ...this.#common(),
    };
  }

  of(namespace: string): NamespaceStats {
    const { patterns, byType, version } = this.#sources.registry.stats();
    return {
      ...this.#sources.accounting.snapshot(namespace),
      namespace,
      registry: { patterns, byType, version },
      ...this.#common(),
    };
  }

  #common(): { store: { backend: string }; uptimeSeconds: number } {
    return {
      store: { backend: this.#sources.store.backend },
      uptimeSeconds: Math.round((this.#sources.now() - this.#startedAt) / 1000),
    };
  }
}
