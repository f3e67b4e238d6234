import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { AgentGateway } from '../gateway/agent-gateway.js';
import type { OfferedOperation } from '../gateway/operations.js';
import { errorSchema } from '../gateway/wire-schemas.js';

const EVERY_ROUTE_ERRORS = [400, 401, 403, 429];

/**
 * An offered operation's route (see gateway/operations.ts): its path parameters, query and
 * body checked by their schemas and merged into its input, the gateway's guarded call, and
 * its status.
 */
export function routeOf(app: FastifyInstance, gateway: AgentGateway, operation: OfferedOperation): void {
  const { method, path, summary, tag, params, query, body, statuses = [200], status, errors } = operation.http;
  const response: Record<number, z.ZodType> = {};
  for (const code of statuses) response[code] = operation.output;
  for (const code of [...EVERY_ROUTE_ERRORS, ...errors]) response[code] = errorSchema;
  app.route({
    method,
    url: path,
    schema: {
      summary,
      tags: [tag],
      ...(params && { params }),
      ...(query && { querystring: query }),
      ...(body && { body }),
      response,
    },
    handler: async (request, reply) => {
      // Only the parts the route declares: an undeclared query or body is ignored, as on any route.
      const input = {
        ...(params && (request.params as object)),
        ...(query && (request.query as object)),
        ...(body && (request.body as object | undefined)),
      };
      const output = await gateway.invoke(request.caller, operation, input);
      return reply.code(status?.(output) ?? statuses[0]!).send(output);
    },
  });
}
