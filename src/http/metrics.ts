import type { FastifyPluginAsync } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PatternServiceError } from '../errors.js';
import type { ExecutionResult } from '../execution/result.js';
import type { AgentGateway, ExecutionObserver } from '../gateway/agent-gateway.js';

/** Latency buckets in seconds: cache hits land in the first few, hybrid analyses in the last. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Prometheus metrics of one server, on a registry of its own (several servers in one
 * process, as in tests, do not collide). Pattern labels are bounded by the registry,
 * which only admins change.
 */
export class ServiceMetrics implements ExecutionObserver {
  readonly registry = new Registry();
  readonly #executions = new Counter({
    name: 'tmws_executions_total',
    help: 'Executions by pattern, pattern type and outcome (success, failure, cache_hit).',
    labelNames: ['pattern', 'pattern_type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: 'tmws_execution_duration_seconds',
    help: 'Execution latency by pattern and pattern type; cache hits separately (cached="true").',
    labelNames: ['pattern', 'pattern_type', 'cached'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #cacheHits = new Counter({
    name: 'tmws_cache_hits_total',
    help: 'Executions answered from the cache, by tier (l1, l2, inflight).',
    labelNames: ['tier'] as const,
    registers: [this.registry],
  });
  readonly #routing = new Counter({
    name: 'tmws_routing_decisions_total',
    help: 'How each execution found its pattern: trigger match, router (no trigger matched), or none (PATTERN_NOT_FOUND).',
    labelNames: ['decided_by', 'pattern_type'] as const,
    registers: [this.registry],
  });
  readonly #rejected = new Counter({
    name: 'tmws_execution_errors_total',
    help: 'Executions refused before producing a result, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly #requests = new Counter({
    name: 'tmws_http_requests_total',
    help: 'HTTP requests by route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tmws_' });
  }

  executed(outcome: { result: ExecutionResult } | { error: PatternServiceError; durationMs: number }): void {
    if ('error' in outcome) {
      this.#rejected.inc({ code: outcome.error.code });
      if (outcome.error.code === 'PATTERN_NOT_FOUND') this.#routing.inc({ decided_by: 'none', pattern_type: 'none' });
      return;
    }
    const { result } = outcome;
    const type = result.metadata.patternType;
    const outcomeLabel = result.cacheHit ? 'cache_hit' : result.success ? 'success' : 'failure';
    this.#executions.inc({ pattern: result.patternName, pattern_type: type, outcome: outcomeLabel });
    this.#latency.observe(
      { pattern: result.patternName, pattern_type: type, cached: String(result.cacheHit) },
      result.executionTimeMs / 1000,
    );
    if (result.cacheHit && result.metadata.cacheTier) this.#cacheHits.inc({ tier: result.metadata.cacheTier });
    this.#routing.inc({ decided_by: result.metadata.routing ? 'router' : 'trigger', pattern_type: type });
  }

  httpRequest(method: string, route: string, status: number): void {
    this.#requests.inc({ method, route, status: String(status) });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * GET /metrics for admins only: the figures count every namespace's executions by pattern,
 * which other callers may not see (they read their own namespace's at /api/v1/pattern/stats).
 */
export const metricsRoute: FastifyPluginAsync<{ metrics: ServiceMetrics; gateway: AgentGateway }> = async (
  app,
  { metrics, gateway },
) => {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const { contentType, body } = await gateway.metrics(request.caller, () => metrics.render());
    return reply.type(contentType).send(body);
  });
};
