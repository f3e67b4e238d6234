/**
 * @module mcp/tools
 * The MCP tools: each a wire schema in, a wire schema out, annotations, and one gateway
 * call. The schemas are the ones HTTP validates with (gateway/wire-schemas.ts).
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AgentGateway, Caller } from '../gateway/agent-gateway.js';
import { requireSuccess } from '../gateway/error-body.js';
import {
  fromWireMemoryInput,
  fromWireMemoryUpdate,
  fromWireSearch,
  toWireExecution,
  toWireExplanation,
  toWireHistory,
  toWireMemories,
  toWireMemory,
  toWirePattern,
  toWirePatternList,
  toWireStats,
} from '../gateway/wire.js';
import {
  executeRequestSchema,
  executeResponseSchema,
  explainRequestSchema,
  explanationSchema,
  listPatternsQuerySchema,
  memoryHistorySchema,
  memoryListSchema,
  memorySchema,
  patternListSchema,
  patternSchema,
  registerPatternToolSchema,
  restoreMemoryRequestSchema,
  searchMemoriesRequestSchema,
  statsSchema,
  storeMemoryRequestSchema,
  storeMemoryResponseSchema,
  updateMemoryRequestSchema,
} from '../gateway/wire-schemas.js';

export interface McpTool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  run(gateway: AgentGateway, caller: Caller, input: z.output<I>): Promise<z.output<O>>;
}

function tool<I extends z.ZodType, O extends z.ZodType>(definition: McpTool<I, O>): McpTool {
  return definition as unknown as McpTool;
}

const memoryIdInput = z.strictObject({ id: z.string().max(128) });
const readOnly: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

export const MCP_TOOLS: readonly McpTool[] = [
  tool({
    name: 'execute_pattern',
    title: 'Execute a pattern query',
    description:
      'Runs a short natural-language command ("recall items tagged security", "store note: use pgbouncer", "check health") against the pattern registry and returns the result. Reads are cached; "store …" queries write a memory.',
    input: executeRequestSchema,
    output: executeResponseSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    async run(gateway, caller, { query, mode, use_cache, context }) {
      return toWireExecution(
        requireSuccess(await gateway.execute(caller, { query, mode, useCache: use_cache, context })),
      );
    },
  }),
  tool({
    name: 'store_memory',
    title: 'Store a memory',
    description:
      "Stores text with tags, importance and access level in the caller's namespace. Storing identical content again updates that memory instead of duplicating it.",
    input: storeMemoryRequestSchema,
    output: storeMemoryResponseSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run(gateway, caller, input) {
      const { created, memory } = await gateway.storeMemory(caller, fromWireMemoryInput(input));
      return { created, memory: toWireMemory(memory) };
    },
  }),
  tool({
    name: 'search_memories',
    title: 'Search memories',
    description:
      'Full-text search (mode "lexical", BM25) or full text and vectors fused (mode "hybrid") over the memories the caller may see; filter by tags, minimum importance and creation time (since/until: "7d", "2026-12-01", "last Monday").',
    input: searchMemoriesRequestSchema,
    output: memoryListSchema,
    annotations: readOnly,
    async run(gateway, caller, input) {
      return toWireMemories(await gateway.searchMemories(caller, fromWireSearch(input)));
    },
  }),
  tool({
    name: 'get_memory',
    title: 'Get a memory',
    description: 'One memory by id, if the caller may see it (MEMORY_NOT_FOUND otherwise).',
    input: memoryIdInput,
    output: z.object({ memory: memorySchema }),
    annotations: readOnly,
    async run(gateway, caller, { id }) {
      return { memory: toWireMemory(await gateway.getMemory(caller, id)) };
    },
  }),
  tool({
    name: 'update_memory',
    title: 'Update a memory',
    description:
      "Changes one of the caller's own memories by id: each field given replaces the stored one (tags and metadata too). Use it to narrow a share: access_level private, or shared_with with fewer agents.",
    input: updateMemoryRequestSchema.extend({ id: z.string().max(128) }),
    output: z.object({ memory: memorySchema }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run(gateway, caller, { id, ...update }) {
      return { memory: toWireMemory(await gateway.updateMemory(caller, id, fromWireMemoryUpdate(update))) };
    },
  }),
  tool({
    name: 'delete_memory',
    title: 'Delete a memory',
    description:
      "Deletes one of the caller's own memories by id. It is kept in its history for the retention period: restore_memory brings it back.",
    input: memoryIdInput,
    output: z.object({ deleted: z.literal(true), id: z.string() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run(gateway, caller, { id }) {
      await gateway.deleteMemory(caller, id);
      return { deleted: true as const, id };
    },
  }),
  tool({
    name: 'memory_history',
    title: 'History of a memory',
    description:
      "The kept versions of one of the caller's own memories (before each change or its deletion), newest first: what restore_memory can bring back.",
    input: memoryIdInput,
    output: memoryHistorySchema,
    annotations: readOnly,
    async run(gateway, caller, { id }) {
      return toWireHistory(id, await gateway.memoryHistory(caller, id));
    },
  }),
  tool({
    name: 'restore_memory',
    title: 'Restore a memory',
    description:
      "Undoes a delete or a change of one of the caller's own memories: brings back its latest kept version, or the version given (see memory_history).",
    input: restoreMemoryRequestSchema.extend({ id: z.string().max(128) }),
    output: z.object({ memory: memorySchema }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    async run(gateway, caller, { id, version }) {
      return { memory: toWireMemory(await gateway.restoreMemory(caller, id, version)) };
    },
  }),
  tool({
    name: 'get_stats',
    title: 'Execution statistics',
    description:
      'Executions, success and cache hit rates, latency percentiles per pattern type, tokens used and saved.',
    input: z.strictObject({}),
    output: statsSchema,
    annotations: readOnly,
    async run(gateway, caller) {
      return toWireStats(await gateway.stats(caller));
    },
  }),
  tool({
    name: 'list_patterns',
    title: 'List patterns',
    description:
      'The registered patterns in match order, with their triggers, costs, cache TTLs and the role each needs.',
    input: listPatternsQuerySchema,
    output: patternListSchema,
    annotations: readOnly,
    async run(gateway, caller, { type }) {
      return toWirePatternList(await gateway.listPatterns(caller, type));
    },
  }),
  tool({
    name: 'register_pattern',
    title: 'Register a pattern',
    description:
      'Adds a pattern (trigger regex, type, action, cost, priority, cache TTL) to the registry. Needs the admin role; replace: true overwrites a pattern of the same name.',
    input: registerPatternToolSchema,
    output: z.object({ pattern: patternSchema }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    async run(gateway, caller, { pattern, replace }) {
      return { pattern: toWirePattern(await gateway.registerPattern(caller, pattern, replace)) };
    },
  }),
  tool({
    name: 'explain_query',
    title: 'Explain a query',
    description:
      'Which pattern a query would run in a mode, its parameters, and the routing decision, without running it.',
    input: explainRequestSchema,
    output: explanationSchema,
    annotations: readOnly,
    async run(gateway, caller, { query, mode }) {
      return toWireExplanation(await gateway.explain(caller, query, mode));
    },
  }),
];

export const MCP_TOOLS_BY_NAME: ReadonlyMap<string, McpTool> = new Map(MCP_TOOLS.map((t) => [t.name, t]));
