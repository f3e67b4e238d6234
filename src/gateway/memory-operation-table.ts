/**
 * @module gateway/memory-operation-table
 * The memory operations HTTP and MCP offer, one entry each: audit name, role, wire schemas,
 * handler (wire → engine → wire), and the route and tool it becomes. A new operation is an
 * entry here (or in a table like it) and an engine method; http/ and mcp/ register it.
 */
import { z } from 'zod';
import { offered, readOnly, scopeOf, type OfferedOperation } from './operations.js';
import {
  fromWireMemoryInput,
  fromWireMemoryUpdate,
  fromWireSearch,
  toWireHistory,
  toWireMemories,
  toWireMemory,
} from './wire.js';
import {
  memoryHistorySchema,
  memoryIdParamsSchema,
  memoryListSchema,
  memorySchema,
  restoreMemoryRequestSchema,
  searchMemoriesRequestSchema,
  storeMemoryRequestSchema,
  storeMemoryResponseSchema,
  updateMemoryRequestSchema,
} from './wire-schemas.js';

const byId = { target: ({ id }: { id: string }) => id, http: { params: memoryIdParamsSchema } } as const;

/** In the order the MCP server lists its tools (and HTTP registers its routes). */
export const MEMORY_OPERATIONS: readonly OfferedOperation[] = [
  offered({
    name: 'memory.store',
    what: 'Storing memories',
    role: 'agent',
    audited: true,
    input: storeMemoryRequestSchema,
    output: storeMemoryResponseSchema,
    target: (_, stored) => stored?.memory.id,
    async run(engine, caller, input) {
      const { created, memory } = await engine.storeMemory(scopeOf(caller), fromWireMemoryInput(input));
      return { created, memory: toWireMemory(memory) };
    },
    http: {
      method: 'POST',
      path: '/memories',
      summary: 'Store a memory; identical content of the same agent updates it (role: agent)',
      tag: 'memories',
      body: storeMemoryRequestSchema,
      statuses: [200, 201],
      status: ({ created }) => (created ? 201 : 200),
      errors: [413],
    },
    mcp: {
      name: 'store_memory',
      title: 'Store a memory',
      description:
        "Stores text with tags, importance and access level in the caller's namespace. Storing identical content again updates that memory instead of duplicating it.",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
  }),
  offered({
    name: 'memory.search',
    what: 'Searching memories',
    role: 'readonly',
    audited: true,
    input: searchMemoriesRequestSchema,
    output: memoryListSchema,
    run: async (engine, caller, input) =>
      toWireMemories(await engine.searchMemories(scopeOf(caller), fromWireSearch(input))),
    http: {
      method: 'POST',
      path: '/memories/search',
      summary: 'Search the memories visible to the caller (role: readonly)',
      tag: 'memories',
      body: searchMemoriesRequestSchema,
      errors: [413],
    },
    mcp: {
      name: 'search_memories',
      title: 'Search memories',
      description:
        'Full-text search (mode "lexical", BM25) or full text and vectors fused (mode "hybrid") over the memories the caller may see; filter by tags, minimum importance and creation time (since/until: "7d", "2026-12-01", "last Monday").',
      annotations: readOnly,
    },
  }),
  offered({
    name: 'memory.get',
    what: 'Reading memories',
    role: 'readonly',
    audited: true,
    input: memoryIdParamsSchema,
    output: memorySchema,
    target: byId.target,
    run: async (engine, caller, { id }) => toWireMemory(await engine.getMemory(scopeOf(caller), id)),
    http: {
      method: 'GET',
      path: '/memories/:id',
      summary: 'One memory, if the caller may see it (role: readonly)',
      tag: 'memories',
      ...byId.http,
      errors: [404],
    },
    mcp: {
      name: 'get_memory',
      title: 'Get a memory',
      description: 'One memory by id, if the caller may see it (MEMORY_NOT_FOUND otherwise).',
      annotations: readOnly,
      wrap: 'memory',
    },
  }),
  offered({
    name: 'memory.update',
    what: 'Updating memories',
    role: 'agent',
    audited: true,
    input: updateMemoryRequestSchema.extend(memoryIdParamsSchema.shape),
    output: memorySchema,
    target: byId.target,
    run: async (engine, caller, { id, ...update }) =>
      toWireMemory(await engine.updateMemory(scopeOf(caller), id, fromWireMemoryUpdate(update))),
    http: {
      method: 'PATCH',
      path: '/memories/:id',
      summary:
        "Change one of the caller's own memories: each field given replaces the stored one, e.g. access_level or shared_with to narrow a share (role: agent)",
      tag: 'memories',
      ...byId.http,
      body: updateMemoryRequestSchema,
      errors: [404, 413],
    },
    mcp: {
      name: 'update_memory',
      title: 'Update a memory',
      description:
        "Changes one of the caller's own memories by id: each field given replaces the stored one (tags and metadata too). Use it to narrow a share: access_level private, or shared_with with fewer agents.",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      wrap: 'memory',
    },
  }),
  offered({
    name: 'memory.delete',
    what: 'Deleting memories',
    role: 'agent',
    audited: true,
    input: memoryIdParamsSchema,
    output: z.object({ deleted: z.literal(true), id: z.string() }),
    target: byId.target,
    async run(engine, caller, { id }) {
      await engine.deleteMemory(scopeOf(caller), id);
      return { deleted: true as const, id };
    },
    http: {
      method: 'DELETE',
      path: '/memories/:id',
      summary: "Delete one of the caller's own memories; it is kept in its history and can be restored (role: agent)",
      tag: 'memories',
      ...byId.http,
      errors: [404],
    },
    mcp: {
      name: 'delete_memory',
      title: 'Delete a memory',
      description:
        "Deletes one of the caller's own memories by id. It is kept in its history for the retention period: restore_memory brings it back.",
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
  }),
  offered({
    name: 'memory.history',
    what: 'Reading the history of memories',
    role: 'readonly',
    audited: true,
    input: memoryIdParamsSchema,
    output: memoryHistorySchema,
    target: byId.target,
    run: async (engine, caller, { id }) => toWireHistory(id, await engine.memoryHistory(scopeOf(caller), id)),
    http: {
      method: 'GET',
      path: '/memories/:id/history',
      summary: "The kept versions of one of the caller's own memories, deleted or not, newest first (role: readonly)",
      tag: 'memories',
      ...byId.http,
      errors: [404],
    },
    mcp: {
      name: 'memory_history',
      title: 'History of a memory',
      description:
        "The kept versions of one of the caller's own memories (before each change or its deletion), newest first: what restore_memory can bring back.",
      annotations: readOnly,
    },
  }),
  offered({
    name: 'memory.restore',
    what: 'Restoring memories',
    role: 'agent',
    audited: true,
    input: restoreMemoryRequestSchema.extend(memoryIdParamsSchema.shape),
    output: z.object({ memory: memorySchema }),
    target: byId.target,
    run: async (engine, caller, { id, version }) => ({
      memory: toWireMemory(await engine.restoreMemory(scopeOf(caller), id, version)),
    }),
    http: {
      method: 'POST',
      path: '/memories/:id/restore',
      summary:
        "Undo a delete or a change: bring back a kept version of one of the caller's own memories, the latest unless version is given (role: agent)",
      tag: 'memories',
      ...byId.http,
      body: restoreMemoryRequestSchema.optional(),
      errors: [404, 409],
    },
    mcp: {
      name: 'restore_memory',
      title: 'Restore a memory',
      description:
        "Undoes a delete or a change of one of the caller's own memories: brings back its latest kept version, or the version given (see memory_history).",
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
  }),
];
