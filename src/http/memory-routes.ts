import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AgentGateway } from '../gateway/agent-gateway.js';
import { MEMORY_OPERATIONS } from '../gateway/memory-operation-table.js';
import type { OfferedOperation } from '../gateway/operations.js';
import { errorSchema } from '../gateway/wire-schemas.js';

const EVERY_ROUTE_ERRORS = [400, 401, 403, 429];

/** An offered operation's route: its parts checked by their schemas, merged into its input, answered with its status. */
export const offeredRoutes =
  (operations: readonly OfferedOperation[]): FastifyPluginAsyncZod<{ gateway: AgentGateway }> =>
  async (app, { gateway }) => {
    for (const operation of operations) {
      const { method, path, summary, tag, params, body, statuses = [200], status, errors } = operation.http;
      const response: Record<number, z.ZodType> = {};
      for (const code of statuses) response[code] = operation.output;
      for (const code of [...EVERY_ROUTE_ERRORS, ...errors]) response[code] = errorSchema;
      app.route({
        method,
        url: path,
        schema: { summary, tags: [tag], ...(params && { params }), ...(body && { body }), response },
        handler: async (request, reply) => {
          const input = { ...(request.params as object), ...(request.body as object | undefined) };
          const output = await gateway.invoke(request.caller, operation, input);
          return reply.code(status?.(output) ?? statuses[0]!).send(output);
        },
      });
    }
  };

/** Direct memory operations, always in the caller's own agent and namespace. */
export const memoryRoutes = offeredRoutes(MEMORY_OPERATIONS);
