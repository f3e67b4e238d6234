/**
 * @module tmws-patterns/server
 * Serving the engine to agents and programs: the HTTP API (with MCP over Streamable HTTP
 * at /mcp) and the MCP server for other transports. Kept out of the main entry so that
 * library users do not load Fastify or the MCP SDK.
 */
export { createHttpService, checkBinding, isLoopback, HTTP_DEFAULTS, type HttpServiceOptions } from './http/server.js';
export { createMcpServer, type McpServerOptions } from './mcp/server.js';
export { createGateway, type CreateGatewayOptions } from './gateway/create-gateway.js';
export { AgentGateway, type Caller, type Surface, type ExecuteInput } from './gateway/agent-gateway.js';
// The operations a gateway offers, for AgentGateway.invoke(caller, operation, input).
export { MEMORY_OPERATIONS } from './gateway/memory-operation-table.js';
export { STATS, LIST_PATTERNS, GET_PATTERN, EXPLAIN } from './gateway/read-operation-table.js';
export type { OfferedOperation } from './gateway/operations.js';
export {
  loadAuthSettings,
  generateApiKey,
  hashApiKey,
  type AuthSettings,
  type ApiKeyEntry,
  type JwtSettings,
} from './security/auth-config.js';
export { parseRateLimit, type RateLimit } from './security/rate-limiter.js';
export { ROLES, type Principal, type Role } from './security/roles.js';
