import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentGateway } from '../gateway/agent-gateway.js';
import {
  fromWireMemoryInput,
  fromWireMemoryUpdate,
  fromWireSearch,
  toWireHistory,
  toWireMemories,
  toWireMemory,
} from '../gateway/wire.js';
import {
  errorSchema,
  memoryHistorySchema,
  memoryIdParamsSchema,
  memoryListSchema,
  memorySchema,
  restoreMemoryRequestSchema,
  searchMemoriesRequestSchema,
  storeMemoryRequestSchema,
  storeMemoryResponseSchema,
  updateMemoryRequestSchema,
} from '../gateway/wire-schemas.js';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema };

/** Direct memory operations, always in the caller's own agent and namespace. */
export const memoryRoutes: FastifyPluginAsyncZod<{ gateway: AgentGateway }> = async (app, { gateway }) => {
  app.post(
    '/memories',
    {
      schema: {
        summary: 'Store a memory; identical content of the same agent updates it (role: agent)',
        tags: ['memories'],
        body: storeMemoryRequestSchema,
        response: { 200: storeMemoryResponseSchema, 201: storeMemoryResponseSchema, ...errors, 413: errorSchema },
      },
    },
    async (request, reply) => {
      const { created, memory } = await gateway.storeMemory(request.caller, fromWireMemoryInput(request.body));
      return reply.code(created ? 201 : 200).send({ created, memory: toWireMemory(memory) });
    },
  );

  app.post(
    '/memories/search',
    {
      schema: {
        summary: 'Search the memories visible to the caller (role: readonly)',
        tags: ['memories'],
        body: searchMemoriesRequestSchema,
        response: { 200: memoryListSchema, ...errors, 413: errorSchema },
      },
    },
    async (request) => toWireMemories(await gateway.searchMemories(request.caller, fromWireSearch(request.body))),
  );

  app.get(
    '/memories/:id',
    {
      schema: {
        summary: 'One memory, if the caller may see it (role: readonly)',
        tags: ['memories'],
        params: memoryIdParamsSchema,
        response: { 200: memorySchema, ...errors, 404: errorSchema },
      },
    },
    async (request) => toWireMemory(await gateway.getMemory(request.caller, request.params.id)),
  );

  app.patch(
    '/memories/:id',
    {
      schema: {
        summary:
          "Change one of the caller's own memories: each field given replaces the stored one, e.g. access_level or shared_with to narrow a share (role: agent)",
        tags: ['memories'],
        params: memoryIdParamsSchema,
        body: updateMemoryRequestSchema,
        response: { 200: memorySchema, ...errors, 404: errorSchema, 413: errorSchema },
      },
    },
    async (request) =>
      toWireMemory(await gateway.updateMemory(request.caller, request.params.id, fromWireMemoryUpdate(request.body))),
  );

  app.delete(
    '/memories/:id',
    {
      schema: {
        summary: "Delete one of the caller's own memories; it is kept in its history and can be restored (role: agent)",
        tags: ['memories'],
        params: memoryIdParamsSchema,
        response: { 200: z.object({ deleted: z.literal(true), id: z.string() }), ...errors, 404: errorSchema },
      },
    },
    async (request) => {
      await gateway.deleteMemory(request.caller, request.params.id);
      return { deleted: true as const, id: request.params.id };
    },
  );

  app.get(
    '/memories/:id/history',
    {
      schema: {
        summary: "The kept versions of one of the caller's own memories, deleted or not, newest first (role: readonly)",
        tags: ['memories'],
        params: memoryIdParamsSchema,
        response: { 200: memoryHistorySchema, ...errors, 404: errorSchema },
      },
    },
    async (request) => toWireHistory(request.params.id, await gateway.memoryHistory(request.caller, request.params.id)),
  );

  app.post(
    '/memories/:id/restore',
    {
      schema: {
        summary:
          "Undo a delete or a change: bring back a kept version of one of the caller's own memories, the latest unless version is given (role: agent)",
        tags: ['memories'],
        params: memoryIdParamsSchema,
        body: restoreMemoryRequestSchema.optional(),
        response: { 200: z.object({ memory: memorySchema }), ...errors, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => ({
      memory: toWireMemory(await gateway.restoreMemory(request.caller, request.params.id, request.body?.version)),
    }),
  );
};
