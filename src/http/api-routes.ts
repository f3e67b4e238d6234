import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AgentGateway } from '../gateway/agent-gateway.js';
import { requireSuccess } from '../gateway/error-body.js';
import {
  stringifyExecution,
  type WireExecution,
  fromWireAuditQuery,
  toWireAudit,
  toWireExecution,
  toWirePattern,
} from '../gateway/wire.js';
import {
  auditListSchema,
  auditQuerySchema,
  errorSchema,
  executeRequestSchema,
  executeResponseSchema,
  patternNameParamsSchema,
  patternSchema,
  registerPatternQuerySchema,
  whoamiSchema,
} from '../gateway/wire-schemas.js';
import { patternConfigSchema } from '../patterns/definition.js';
import { EXPLAIN, GET_PATTERN, LIST_PATTERNS, STATS } from '../gateway/read-operation-table.js';
import { routeOf } from './offered-route.js';
import { compileResponseSerializer } from './serializer.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema };

/** The seed's execute and stats endpoints, pattern management and the audit log (stats and the pattern reads from the gateway's table). */
export const apiRoutes: FastifyPluginAsyncZod<{ gateway: AgentGateway }> = async (app, { gateway }) => {
  app.post(
    '/pattern/execute',
    {
      // A cache hit's JSON is built once (see stringifyExecution); error bodies as on every route.
      serializerCompiler: (route) =>
        route.httpStatus === '200'
          ? (data) => stringifyExecution(data as WireExecution)
          : compileResponseSerializer(route),
      schema: {
        summary: 'Execute a query (role: readonly, or what the matched pattern needs)',
        tags: ['execute'],
        body: executeRequestSchema,
        response: { 200: executeResponseSchema, ...errors, 404: errorSchema, 413: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const { query, mode, use_cache, context } = request.body;
      return toWireExecution(
        requireSuccess(await gateway.execute(request.caller, { query, mode, useCache: use_cache, context })),
      );
    },
  );

  routeOf(app, gateway, STATS);

  app.get(
    '/whoami',
    {
      schema: {
        summary: 'The agent, namespace and role of the credential (any role)',
        tags: ['session'],
        response: { 200: whoamiSchema, 401: errorSchema, 429: errorSchema },
      },
    },
    async (request) => {
      const { agentId, namespace, role, credential } = request.caller.principal;
      return { agent_id: agentId, namespace, role, credential };
    },
  );

  routeOf(app, gateway, LIST_PATTERNS);
  routeOf(app, gateway, GET_PATTERN);

  app.post(
    '/patterns',
    {
      schema: {
        summary: 'Register a pattern (role: admin; at most 50 per agent by default)',
        tags: ['patterns'],
        querystring: registerPatternQuerySchema,
        body: patternConfigSchema,
        response: { 201: patternSchema, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const pattern = await gateway.registerPattern(request.caller, request.body, request.query.replace);
      return reply.code(201).send(toWirePattern(pattern));
    },
  );

  app.delete(
    '/patterns/:name',
    {
      schema: {
        summary: 'Unregister a pattern (role: admin)',
        tags: ['patterns'],
        params: patternNameParamsSchema,
        response: { 200: patternSchema, ...errors, 404: errorSchema },
      },
    },
    async (request) => toWirePattern(await gateway.deletePattern(request.caller, request.params.name)),
  );

  routeOf(app, gateway, EXPLAIN);

  app.get(
    '/audit',
    {
      schema: {
        summary: 'The audit log, newest first (role: admin)',
        tags: ['audit'],
        querystring: auditQuerySchema,
        response: { 200: auditListSchema, ...errors },
      },
    },
    async (request) => toWireAudit(await gateway.queryAudit(request.caller, fromWireAuditQuery(request.query))),
  );
};
