/**
 * @module mcp/server
 * The MCP server: tools and resources over the agent gateway. Built on the SDK's
 * low-level Server rather than McpServer because McpServer validates tool arguments
 * itself and reports failures without our stable error codes; here every failure, bad
 * arguments included, comes back as a tool error carrying its code.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AgentGateway, Caller } from '../gateway/agent-gateway.js';
import { errorBody, toPublicError } from '../gateway/error-body.js';
import { inputError, issuesFromZod } from '../gateway/input-error.js';
import { LIST_PATTERNS, STATS } from '../gateway/read-operation-table.js';
import type { WirePatternList } from '../gateway/wire.js';
import { MCP_TOOLS, MCP_TOOLS_BY_NAME } from './tools.js';

export interface McpServerOptions {
  gateway: AgentGateway;
  /** Who every call of this server acts as (fixed for stdio; per request over HTTP). */
  caller: Caller;
  version: string;
  logger: Logger;
}

const RESOURCES = [
  {
    uri: 'tmws://stats',
    name: 'stats',
    title: 'Execution statistics',
    description: 'The same figures as the get_stats tool, as JSON.',
    mimeType: 'application/json',
  },
  {
    uri: 'tmws://patterns',
    name: 'patterns',
    title: 'Registered patterns',
    description: 'The pattern registry in match order, as JSON.',
    mimeType: 'application/json',
  },
] as const;

/** JSON Schemas of the tools, computed once: draft-07, as the SDK's own McpServer emits. */
const TOOL_LIST: readonly Tool[] = MCP_TOOLS.map((tool) => ({
  name: tool.name,
  title: tool.title,
  description: tool.description,
  inputSchema: z.toJSONSchema(tool.input, { target: 'draft-7', io: 'input' }) as Tool['inputSchema'],
  outputSchema: z.toJSONSchema(tool.output, { target: 'draft-7', io: 'output' }) as Tool['outputSchema'],
  annotations: tool.annotations,
}));

export function createMcpServer({ gateway, caller, version, logger }: McpServerOptions): Server {
  const server = new Server(
    { name: 'tmws-patterns', version },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        'Pattern execution service: send short commands to execute_pattern ("recall items tagged security", "store note: …"), or use the memory tools directly. Your agent and namespace come from your credential.',
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...TOOL_LIST] }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = MCP_TOOLS_BY_NAME.get(request.params.name);
    if (!tool) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown tool '${request.params.name}'; call tools/list for the names`,
      );
    }
    try {
      const parsed = tool.input.safeParse(request.params.arguments ?? {});
      if (!parsed.success) throw inputError(issuesFromZod(parsed.error, 'arguments'));
      const output = await tool.run(gateway, caller, parsed.data);
      return {
        content: [{ type: 'text', text: JSON.stringify(output) }],
        structuredContent: output as Record<string, unknown>,
      };
    } catch (error) {
      const body = errorBody(toPublicError(error, logger));
      // No structuredContent on errors: clients check it against the tool's output schema.
      return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: [...RESOURCES] }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    let value: unknown;
    try {
      if (uri === 'tmws://stats') value = await gateway.invoke(caller, STATS, {});
      else if (uri === 'tmws://patterns')
        value = ((await gateway.invoke(caller, LIST_PATTERNS, {})) as WirePatternList).patterns;
    } catch (error) {
      const body = errorBody(toPublicError(error, logger));
      throw new McpError(ErrorCode.InvalidRequest, `${body.code}: ${body.message}`, body);
    }
    // -32002 is MCP's "resource not found".
    if (value === undefined) throw new McpError(-32002, `Unknown resource '${uri}'`, { uri });
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] };
  });

  return server;
}
