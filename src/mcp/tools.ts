/**
 * @module mcp/tools
 * The MCP tools: each a wire schema in, a wire schema out, annotations, and one gateway
 * call. The memory tools are derived from the gateway's operation table (one entry per
 * operation, which also makes its HTTP route); the schemas are the ones HTTP validates with.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AgentGateway, Caller } from '../gateway/agent-gateway.js';
import { requireSuccess } from '../gateway/error-body.js';
import { MEMORY_OPERATIONS } from '../gateway/memory-operation-table.js';
import type { OfferedOperation } from '../gateway/operations.js';
import { EXPLAIN, LIST_PATTERNS, STATS } from '../gateway/read-operation-table.js';
import { toWireExecution, toWirePattern } from '../gateway/wire.js';
import {
  executeRequestSchema,
  executeResponseSchema,
  patternSchema,
  registerPatternToolSchema,
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

/** An offered operation's tool: its input as the arguments, its output (`{ memory }` where it wraps) as the result. */
function toolOf(operation: OfferedOperation): McpTool {
  if (!operation.mcp) throw new Error(`${operation.name} is offered over HTTP only`);
  const { name, title, description, annotations, wrap } = operation.mcp;
  return {
    name,
    title,
    description,
    input: operation.input,
    output: wrap ? z.object({ [wrap]: operation.output }) : operation.output,
    annotations,
    async run(gateway, caller, input) {
      const output = await gateway.invoke(caller, operation, input);
      return wrap ? { [wrap]: output } : output;
    },
  };
}

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
  ...MEMORY_OPERATIONS.map(toolOf),
  toolOf(STATS),
  toolOf(LIST_PATTERNS),
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
  toolOf(EXPLAIN),
];

export const MCP_TOOLS_BY_NAME: ReadonlyMap<string, McpTool> = new Map(MCP_TOOLS.map((t) => [t.name, t]));
