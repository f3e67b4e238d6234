import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MCP_TOOLS } from '../../src/mcp/tools.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The tools a markdown table names in its first column (`name`), in order. */
function toolRows(markdown: string): string[][] {
  return [...markdown.matchAll(/^\|\s*`(\w+)`\s*\|\s*(.+?)\s*\|/gm)].map(([, name, second]) => [name!, second!]);
}

describe('the MCP tools as the docs list them', () => {
  it('README: exactly the server’s tools, in its order, with their titles', () => {
    const table = read('README.md').split('<!-- mcp-tools:start -->')[1]!.split('<!-- mcp-tools:end -->')[0]!;
    expect(toolRows(table)).toEqual(MCP_TOOLS.map((tool) => [tool.name, tool.title]));
  });

  it('docs/serving.md: exactly the server’s tools, in its order', () => {
    const doc = read('docs/serving.md');
    const table = doc.slice(doc.indexOf('| tool '), doc.indexOf('Every tool publishes'));
    expect(toolRows(table).map(([name]) => name)).toEqual(MCP_TOOLS.map((tool) => tool.name));
  });
});
