import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/index.js';
import { MCP_TOOLS } from '../../src/mcp/tools.js';

const doc = readFileSync(new URL('../../docs/serving.md', import.meta.url), 'utf8');

describe('docs/serving.md', () => {
  it('documents every error code exactly as the code table defines it', () => {
    const table = doc.split('<!-- error-codes:start -->')[1]!.split('<!-- error-codes:end -->')[0]!;
    // Prettier pads table cells, so cells are trimmed.
    const documented = [...table.matchAll(/^\| `(\w+)` +\| (\d{3}) +\| (.+?) *\|$/gm)].map(
      ([, code, status, meaning]) => [code, Number(status), meaning],
    );
    expect(documented).toEqual(Object.entries(ERROR_CODES).map(([code, info]) => [code, info.status, info.meaning]));
  });

  it('documents every MCP tool', () => {
    for (const tool of MCP_TOOLS) expect(doc, tool.name).toMatch(new RegExp(`^\\| \`${tool.name}\` +\\|`, 'm'));
  });
});
