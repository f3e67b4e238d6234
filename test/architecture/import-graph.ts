import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** file (relative to the root, with '/') → the files of the tree it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Reads every .ts file under `root`: static imports and re-exports, type-only ones and `import()` calls. */
export function readImportGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const imports = ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((i) => i.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
      .filter((target) => target.endsWith('.ts')) // assets (CSS) are not modules of the graph
      .map((target) => toKey(root, target));
    graph.set(toKey(root, file), [...new Set(imports)]);
  }
  return graph;
}

/** The first path segment: a directory of the tree, or a top-level file. */
export function unitOf(file: string): string {
  return file.split('/')[0]!;
}

export interface GraphProblems {
  /** Files (or units) that import each other in a circle, each circle once. */
  fileCycles: string[][];
  unitCycles: string[][];
  /** "a → b": a imports b, whose layer is above a's. */
  upward: string[];
  /** Units no layer names. */
  unplaced: string[];
  /** Imports of files that do not exist. */
  missing: string[];
}

/** Checks a graph against layers listed top first: a unit may import its own layer or any below. */
export function checkImportGraph(graph: ImportGraph, layers: ReadonlyArray<readonly string[]>): GraphProblems {
  const layerOf = new Map<string, number>();
  layers.forEach((units, rank) => units.forEach((unit) => layerOf.set(unit, rank)));
  const unplaced = new Set<string>();
  const upward: string[] = [];
  const missing: string[] = [];
  const unitGraph = new Map<string, Set<string>>();
  for (const [file, imports] of graph) {
    const from = unitOf(file);
    if (!layerOf.has(from)) unplaced.add(from);
    for (const target of imports) {
      if (!graph.has(target)) {
        missing.push(`${file} → ${target}`);
        continue;
      }
      const to = unitOf(target);
      if (to === from) continue;
      if (!unitGraph.has(from)) unitGraph.set(from, new Set());
      unitGraph.get(from)!.add(to);
      if ((layerOf.get(to) ?? Infinity) < (layerOf.get(from) ?? -Infinity)) upward.push(`${file} → ${target}`);
    }
  }
  return {
    fileCycles: cycles(graph),
    unitCycles: cycles(new Map([...unitGraph].map(([unit, targets]) => [unit, [...targets]]))),
    upward,
    unplaced: [...unplaced],
    missing,
  };
}

/** Strongly connected components of more than one node, or a node importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function toKey(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}
