// Lists the MCP tools of the installed package's bin through the official SDK client (itself
// installed as the package's dependency), and calls one, as an MCP client configured with
// `command: tmws-patterns, args: [mcp]` would. Run by .ci/package-smoke.sh from the install folder.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const transport = new StdioClientTransport({ command: './node_modules/.bin/tmws-patterns', args: ['mcp'] });
const client = new Client({ name: 'ci-smoke', version: '1.0.0' });
await client.connect(transport);
const { tools } = await client.listTools();
console.log(`ci: tools/list from the installed bin: ${tools.map((tool) => tool.name).join(', ')}`);
if (tools.length !== 12) throw new Error(`expected 12 tools, got ${tools.length}`);
const result = await client.callTool({ name: 'search_memories', arguments: { query: 'health', mode: 'hybrid' } });
if (result.isError) throw new Error(`search_memories failed: ${JSON.stringify(result.content)}`);
await client.close();
