import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Node } from 'yaml';
import { PatternServiceError, ValidationError } from '../errors.js';
import { PatternDefinition } from './definition.js';
import { firstFlowNestingBeyond } from './flow-depth.js';

const PATTERN_FILE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Levels of `[…]`/`{…}` a file may nest: a pattern config needs about a dozen (see flow-depth.ts). */
const MAX_FLOW_NESTING = 64;

/** One problem found in a pattern file, with where it is. */
export interface PatternFileIssue {
  file: string;
  /** 1-based line of the offending field (or pattern, or syntax error). */
  line: number;
  /** 1-based column of the same. */
  column: number;
  /** Index of the pattern in the file's list, when the problem is inside one. */
  index?: number;
  message: string;
}

export interface PatternFileReport {
  files: string[];
  patterns: PatternDefinition[];
  issues: PatternFileIssue[];
}

/**
 * Reads a YAML or JSON pattern file, or every such file in a directory (sorted by name).
 * A file holds a list of pattern configs, or `{ patterns: [...] }`. Every problem is
 * reported with its file and line; nothing is thrown for bad content.
 */
export async function readPatternFiles(path: string): Promise<PatternFileReport> {
  const files = await listPatternFiles(path);
  const report: PatternFileReport = { files, patterns: [], issues: [] };
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const item of await readOneFile(file, report.issues)) {
      const previous = seen.get(item.pattern.name);
      if (previous !== undefined) {
        report.issues.push({
          file,
          line: item.line,
          column: item.column,
          index: item.index,
          message: `pattern '${item.pattern.name}' is already defined at ${previous}`,
        });
        continue;
      }
      seen.set(item.pattern.name, `${file}:${item.line}`);
      report.patterns.push(item.pattern);
    }
  }
  return report;
}

/** Like readPatternFiles, but throws one ValidationError listing every issue. */
export async function loadPatternFiles(path: string): Promise<PatternDefinition[]> {
  const report = await readPatternFiles(path);
  if (report.issues.length > 0) {
    const lines = report.issues.map(formatIssue);
    throw new ValidationError(`Pattern files are invalid:\n${lines.join('\n')}`, {
      details: { issues: report.issues },
    });
  }
  return report.patterns;
}

export function formatIssue(issue: PatternFileIssue): string {
  const where = issue.index === undefined ? '' : ` (pattern #${issue.index + 1})`;
  return `${issue.file}:${issue.line}:${issue.column}${where}: ${issue.message}`;
}

async function listPatternFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ValidationError(`patterns: cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
  if (!info.isDirectory()) return [path];
  // No sub-directories and no dotfiles (editors leave lock and swap files beside the ones
  // being edited); a file that cannot be read is reported as an issue by readOneFile.
  const entries = await readdir(path, { withFileTypes: true });
  const names = entries
    .filter(
      (e) => !e.isDirectory() && !e.name.startsWith('.') && PATTERN_FILE_EXTENSIONS.has(extname(e.name).toLowerCase()),
    )
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new ValidationError(`patterns: directory '${path}' has no .yaml, .yml or .json files`);
  return names.map((n) => join(path, n));
}

const TOP_LEVEL_KEYS = new Set(['patterns', '$schema']);
/** A message that starts with the field it is about ("trigger_pattern: …", "parameters.tag: …"). */
const FIELD_PREFIX = /^([A-Za-z_$][\w$]*(?:\.[\w$]+)*): /;

type Located = { line: number; column: number };

async function readOneFile(
  file: string,
  issues: PatternFileIssue[],
): Promise<Array<{ pattern: PatternDefinition; line: number; column: number; index: number }>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    issues.push({ file, line: 1, column: 1, message: `cannot read the file: ${(error as Error).message}` });
    return [];
  }
  const tooDeep = firstFlowNestingBeyond(text, MAX_FLOW_NESTING);
  if (tooDeep !== undefined) {
    const before = text.slice(0, tooDeep);
    issues.push({
      file,
      line: before.split('\n').length,
      column: tooDeep - before.lastIndexOf('\n'),
      message: `nested deeper than ${MAX_FLOW_NESTING} levels of [ ] and { }; a pattern's metadata, params and parameters may nest 8`,
    });
    return [];
  }
  // Loaded with the first pattern file, not by every command (~65 ms of the CLI's start-up).
  const { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const [line, column] = [error.linePos?.[0].line ?? 1, error.linePos?.[0].col ?? 1];
      issues.push({ file, line, column, message: error.message.split('\n')[0] ?? error.message });
    }
    return [];
  }
  // The node as plain data, with YAML aliases resolved against their document (and bounded).
  const toPlain = (node: unknown): unknown => (isNode(node) ? node.toJS(doc, { maxAliasCount: 100 }) : node);
  const locate = (node: unknown): Located => {
    const offset = (node as Node | null)?.range?.[0];
    return offset === undefined
      ? { line: 1, column: 1 }
      : { line: lineCounter.linePos(offset).line, column: lineCounter.linePos(offset).col };
  };
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!TOP_LEVEL_KEYS.has(key)) {
        issues.push({
          file,
          ...locate(pair.key),
          message: `unknown top-level key '${key}'; expected patterns (and $schema)`,
        });
      } else if (key === '$schema' && !(isScalar(pair.value) && typeof pair.value.value === 'string')) {
        issues.push({ file, ...locate(pair.value ?? pair.key), message: '$schema: expected a string (a URL or path)' });
      }
    }
  }
  const list = isMap(root) ? root.get('patterns', true) : root;
  if (!isSeq(list)) {
    issues.push({
      file,
      line: 1,
      column: 1,
      message: 'expected a list of patterns, or an object with a "patterns" list',
    });
    return [];
  }
  const items: Array<{ pattern: PatternDefinition; line: number; column: number; index: number }> = [];
  list.items.forEach((node, index) => {
    const at = locate(node);
    try {
      items.push({ pattern: PatternDefinition.fromConfig(toPlain(node)), ...at, index });
    } catch (error) {
      if (!(error instanceof PatternServiceError)) throw error;
      const fieldAt = (path: string): Located => {
        const field = isMap(node) && path !== '' ? node.getIn(path.split('.'), true) : undefined;
        return field === undefined ? at : locate(field);
      };
      for (const { path, message } of issuesOf(error)) issues.push({ file, ...fieldAt(path), index, message });
    }
  });
  return items;
}

/** One entry per problem: zod reports each field; other errors name their field in the message. */
function issuesOf(error: PatternServiceError): Array<{ path: string; message: string }> {
  const zodIssues = error.details?.['issues'];
  if (Array.isArray(zodIssues) && zodIssues.length > 0) {
    return (zodIssues as Array<{ path: string; message: string }>).map(({ path, message }) => ({
      path,
      message: path === '' ? message : `${path}: ${message}`,
    }));
  }
  return [{ path: FIELD_PREFIX.exec(error.message)?.[1] ?? '', message: error.message }];
}

export function isPatternFilePath(path: string): boolean {
  return PATTERN_FILE_EXTENSIONS.has(extname(path).toLowerCase());
}
