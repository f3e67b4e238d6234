import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PatternExecutionEngine } from '../execution/engine.js';

const readySchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.object({ status: z.string(), error: z.string().optional() })),
});

/** Liveness and readiness: unauthenticated, for load balancers and orchestrators. */
export const probeRoutes: FastifyPluginAsyncZod<{ engine: PatternExecutionEngine }> = async (app, { engine }) => {
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
        summary: 'Readiness: the memory store and the cache answer (503 otherwise)',
        tags: ['operations'],
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const health = await engine.health();
      const checks: Record<string, { status: string; error?: string }> = {
        store: health.store,
        cache: { status: health.cache.status },
      };
      const ready = health.store.status === 'ok' && health.cache.status !== 'down';
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );
};
