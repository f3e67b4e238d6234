import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AgentGateway } from '../gateway/agent-gateway.js';
import { createMcpServer } from '../mcp/server.js';
import { API_REPLY_HEADERS } from './defaults.js';

const jsonRpcError = z.object({
  jsonrpc: z.literal('2.0'),
  error: z.object({ code: z.number().int(), message: z.string() }),
  id: z.null(),
});

/** The MCP messages themselves are the MCP specification's: the body goes to the SDK's transport as it is. */
const POST_SCHEMA = {
  summary: 'MCP over Streamable HTTP: a JSON-RPC request or notification in, its JSON-RPC answer out (role: per tool)',
  tags: ['mcp'],
  response: {
    200: z.looseObject({ jsonrpc: z.literal('2.0') }).describe('A JSON-RPC response'),
    202: z.null().describe('A notification, accepted'),
  },
};

function notAllowedSchema(method: 'GET' | 'DELETE') {
  return {
    summary: `Not offered: the endpoint is stateless, so there is no stream to ${method === 'GET' ? 'open' : 'end'} (405)`,
    tags: ['mcp'],
    response: { 405: jsonRpcError },
  };
}

export interface McpRouteOptions {
  gateway: AgentGateway;
  version: string;
  logger: Logger;
}

/**
 * MCP over Streamable HTTP at /mcp, stateless: each POST gets a server bound to the
 * request's authenticated caller, so no session can outlive or change its credential.
 * Stateless servers have no stream to offer, so GET and DELETE answer 405.
 */
export const mcpRoute: FastifyPluginAsync<McpRouteOptions> = async (app, { gateway, version, logger }) => {
  app.post('/mcp', { schema: POST_SCHEMA }, async (request, reply) => {
    const server = createMcpServer({ gateway, caller: request.caller, version, logger });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    // The transport writes the reply itself, past Fastify's onSend hook.
    for (const [name, value] of Object.entries(API_REPLY_HEADERS)) reply.raw.setHeader(name, value);
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  const notAllowed = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .code(405)
      .header('allow', 'POST')
      .send({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless (POST only)' },
        id: null,
      });
  app.get('/mcp', { schema: notAllowedSchema('GET') }, notAllowed);
  app.delete('/mcp', { schema: notAllowedSchema('DELETE') }, notAllowed);
};
