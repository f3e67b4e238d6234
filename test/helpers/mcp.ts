import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { onCleanup } from './engine.js';

/** The built CLI: `npm test` builds first, so what ships is what the stdio tests run. */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** An SDK client over Streamable HTTP to a test server's /mcp, closed after the test. */
export async function connectHttpMcp(base: string, token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', base), {
    ...(token !== undefined && { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  });
  const client = new Client({ name: 'tmws-test', version: '1.0.0' });
  await client.connect(transport);
  onCleanup(() => client.close());
  return client;
}

/** An SDK client to `tmws-patterns … mcp` spawned over stdio; its stderr is collected. */
export async function connectStdioMcp(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: { ...(process.env as Record<string, string>), TMWS_LOG_LEVEL: 'warn', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'tmws-test', version: '1.0.0' });
  await client.connect(transport);
  onCleanup(() => client.close());
  return { client, stderr: () => stderr };
}

/** A tool call's outcome: the structured result, or the error body the server put in the text. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: { code: string; message: string } }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.find((c) => c.type === 'text')?.text ?? '';
  if (result.isError) return { ok: false, error: JSON.parse(text) as { code: string; message: string } };
  return { ok: true, value: result.structuredContent as Record<string, unknown> };
}
