import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { AgentGateway } from '../gateway/agent-gateway.js';
import { createMcpServer } from '../mcp/server.js';
import { API_REPLY_HEADERS } from './defaults.js';

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
  app.post('/mcp', async (request, reply) => {
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
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
};
