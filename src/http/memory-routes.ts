import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AgentGateway } from '../gateway/agent-gateway.js';
import { MEMORY_OPERATIONS } from '../gateway/memory-operation-table.js';
import { routeOf } from './offered-route.js';

/** Direct memory operations, always in the caller's own agent and namespace: a route per entry of the table. */
export const memoryRoutes: FastifyPluginAsyncZod<{ gateway: AgentGateway }> = async (app, { gateway }) => {
  for (const operation of MEMORY_OPERATIONS) routeOf(app, gateway, operation);
};
