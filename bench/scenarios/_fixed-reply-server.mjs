// The least an MCP server on this SDK can cost: the same low-level Server and stdio transport
// as ours, answering every tool call with one fixed copy of our reply, with no work of its own.
// The peer scenario times it beside both servers, so the ratios it reports can be read against
// the SDK's floor. FIXED_REPLY names a JSON file holding the reply (a CallToolResult).
import { readFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const reply = JSON.parse(readFileSync(process.env.FIXED_REPLY, 'utf8'));
const server = new Server({ name: 'fixed-reply', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(CallToolRequestSchema, async () => reply);
await server.connect(new StdioServerTransport());
