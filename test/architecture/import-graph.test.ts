import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImportGraph, readImportGraph } from './import-graph.js';

/**
 * The layers of src/, top first, written once: a module may import from its own layer or
 * any layer below it, never from one above, and nothing may import in a circle (files, or
 * directories through each other). A new directory or top-level file must be placed here.
 */
const LAYERS = [
  ['cli', 'dashboard'], // edges a person uses: the CLI, and the browser page (bundled apart)
  ['server.ts', 'http'], // the HTTP edge, which also carries MCP over Streamable HTTP
  ['mcp'],
  ['gateway'], // what HTTP and MCP share: one guarded operation per capability
  ['security'],
  ['index.ts', 'create-engine.ts', 'open-memory-store.ts', 'testing'], // the entries (tmws-patterns, …/testing), and the places that pick backends
  ['execution'], // plan, run, account
  ['routing'],
  ['patterns', 'memory', 'embeddings', 'cache'], // the pattern registry, and the ports with their backends
  ['lexicon'], // the vocabulary that widens full text and shapes what the encoder sees
  [
    'config.ts',
    'errors.ts',
    'logging.ts',
    'text.ts',
    'validation.ts',
    'deep-freeze.ts',
    'json-limits.ts',
    'wire-names.ts',
    'time',
  ], // time: the words of time windows; wire-names: the one camelCase ↔ snake_case mapping
] as const;

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

describe('the import graph of src/', () => {
  const problems = checkImportGraph(readImportGraph(SRC), LAYERS);

  it('places every directory and top-level file in a layer', () => {
    expect(problems.unplaced).toEqual([]);
    expect(problems.missing).toEqual([]);
  });

  it('has no cycle, between files or between directories', () => {
    expect(problems.fileCycles).toEqual([]);
    expect(problems.unitCycles).toEqual([]);
  });

  it('never imports upwards: lower layers know nothing of the engine, the gateway, security or the edges', () => {
    expect(problems.upward).toEqual([]);
  });
});

describe('the import-graph check', () => {
  const layers = [['top'], ['middle'], ['base.ts']];

  it('finds cycles of files and of directories', () => {
    const graph = new Map([
      ['top/a.ts', ['top/b.ts']],
      ['top/b.ts', ['top/a.ts', 'middle/c.ts']],
      ['middle/c.ts', ['middle/c.ts']],
    ]);
    expect(checkImportGraph(graph, layers).fileCycles.sort()).toEqual([['middle/c.ts'], ['top/a.ts', 'top/b.ts']]);
    const across = new Map([
      ['top/a.ts', ['middle/c.ts']],
      ['middle/c.ts', ['base.ts']],
      ['base.ts', ['top/b.ts']],
      ['top/b.ts', []],
    ]);
    const problems = checkImportGraph(across, [['top', 'middle', 'base.ts']]);
    expect(problems.fileCycles).toEqual([]);
    expect(problems.unitCycles).toEqual([['base.ts', 'middle', 'top']]);
  });

  it('finds upward imports, unplaced units and missing files', () => {
    const graph = new Map([
      ['middle/c.ts', ['top/a.ts', 'base.ts', 'middle/gone.ts']],
      ['top/a.ts', ['middle/c.ts']],
      ['base.ts', []],
      ['stray/d.ts', []],
    ]);
    const problems = checkImportGraph(graph, layers);
    expect(problems.upward).toEqual(['middle/c.ts → top/a.ts']);
    expect(problems.unplaced).toEqual(['stray']);
    expect(problems.missing).toEqual(['middle/c.ts → middle/gone.ts']);
  });
});
