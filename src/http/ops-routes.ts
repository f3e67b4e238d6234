import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PatternExecutionEngine } from '../execution/engine.js';
import type { BudgetHealth } from '../security/budget-store.js';

/** The probe answers within this long whatever a dependency does; a store that has not answered by then is `down`. */
const PROBE_DEADLINE_MS = 1000;

const checkSchema = z.object({ status: z.string(), error: z.string().optional() });
const readySchema = z.object({
  status: z.enum(['ready', 'degraded', 'not_ready']),
  checks: z.record(z.string(), checkSchema),
});
type Check = z.infer<typeof checkSchema>;

export interface ProbeOptions {
  engine: PatternExecutionEngine;
  /** Where rate-limit budgets live (Redis or in process). */
  budgets: () => Promise<BudgetHealth>;
}

/** Liveness and readiness: unauthenticated, for load balancers and orchestrators. */
export const probeRoutes: FastifyPluginAsyncZod<ProbeOptions> = async (app, { engine, budgets }) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        summary:
          'Readiness: 200 ready, or 200 degraded (Redis down or silent: caching and rate limits per instance), 503 when the store does not answer',
        tags: ['operations'],
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const checks = await withDeadline(readinessChecks(engine, budgets), {
        store: { status: 'down', error: `no answer within ${PROBE_DEADLINE_MS} ms` },
      });
      const statuses = Object.values(checks).map((c) => c.status);
      const status =
        checks['store']?.status !== 'ok' ? 'not_ready' : statuses.every((s) => s === 'ok') ? 'ready' : 'degraded';
      return reply.code(status === 'not_ready' ? 503 : 200).send({ status, checks });
    },
  );
};

async function readinessChecks(
  engine: PatternExecutionEngine,
  budgets: () => Promise<BudgetHealth>,
): Promise<Record<string, Check>> {
  const [health, limits] = await Promise.all([engine.health(), budgets()]);
  const l2 = health.cache.tiers['l2'];
  return {
    store: health.store,
    cache: { status: health.cache.status, ...(l2?.error !== undefined && { error: `Redis: ${l2.error}` }) },
    rate_limits: { status: limits.status, ...(limits.error !== undefined && { error: limits.error }) },
  };
}

async function withDeadline<T>(work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), PROBE_DEADLINE_MS)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
