import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MCP_TOOLS } from '../../src/mcp/tools.js';

const doc = readFileSync(new URL('../../docs/serving.md', import.meta.url), 'utf8');

describe('docs/serving.md', () => {
  it('documents every MCP tool', () => {
    for (const tool of MCP_TOOLS) expect(doc, tool.name).toMatch(new RegExp(`^\\| \`${tool.name}\` +\\|`, 'm'));
  });
});
