import { RegExpParser, type AST } from '@eslint-community/regexpp';

/**
 * What a trigger needs to find in a query: a conjunction of clauses, each a set of
 * lowercase ASCII literals at least one of which occurs in any text the trigger matches.
 * An empty list means "nothing is known": the trigger must be checked against every query.
 */
export type LiteralRequirement = ReadonlyArray<readonly string[]>;

export interface TriggerAnalysis {
  readonly requirement: LiteralRequirement;
  /** Names of the trigger's named capture groups, in order of appearance. */
  readonly captureNames: readonly string[];
}

/**
 * A node either matches exactly one of a small set of strings (`exact`), or is known only
 * by a requirement on what its matches contain (`cnf`).
 */
interface Info {
  readonly exact: ReadonlySet<string> | null;
  readonly cnf: string[][];
}

const MAX_EXACT = 16;
const MAX_CLASS_CHARS = 4;
const ANY: Info = { exact: null, cnf: [] };
const EMPTY: Info = { exact: new Set(['']), cnf: [] };

/**
 * Escapes whose meaning RE2 and ECMAScript (Annex B) agree on. Anything else (`\Q…\E`,
 * `\pL`, `\z`, `\x{41}`, POSIX `[[:alpha:]]`…) is RE2 syntax that the ECMAScript parser
 * would read as literal letters, and `[]a]` (a class holding "]" in RE2, an empty class in
 * ECMAScript), so such triggers are not analysed: they stay always-checked.
 */
const FOREIGN_SYNTAX =
  /\\(?![dDwWsSbBnrtfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|c[A-Za-z]|[^A-Za-z0-9])|\[:|\[\^?\]|\(\?[A-Za-z]*\)/;

const parser = new RegExpParser({ ecmaVersion: 2025 });

/**
 * Extracts the literals a trigger requires (for the literal index) and its capture names.
 * Sound by construction: every rule may only lose information, never invent a requirement,
 * so a trigger is never dropped from the candidates of a query it matches.
 */
export function analyzeTrigger(source: string): TriggerAnalysis {
  let pattern: AST.Pattern;
  try {
    pattern = parser.parsePattern(source, 0, source.length, { unicode: false });
  } catch {
    return { requirement: [], captureNames: captureNamesBySyntax(source) };
  }
  const captureNames: string[] = [];
  const info = alternation(pattern.alternatives, captureNames);
  const requirement = FOREIGN_SYNTAX.test(source) ? [] : toCnf(info);
  return { requirement, captureNames: [...new Set(captureNames)] };
}

/** Lowercases a query the way the index lowercases literals; see docs/matching.md on case folding. */
export function foldQuery(query: string): string {
  // RE2 folds U+017F (long s) to "s"; toLowerCase leaves it alone. U+212A (Kelvin) lowercases to "k".
  return query.toLowerCase().replaceAll('\u017f', 's');
}

function alternation(alternatives: readonly AST.Alternative[], names: string[]): Info {
  const infos = alternatives.map((alt) => sequence(alt.elements, names));
  if (infos.length === 1) return infos[0]!;
  if (infos.every((i) => i.exact !== null)) {
    const union = new Set<string>();
    for (const info of infos) for (const s of info.exact!) union.add(s);
    if (union.size <= MAX_EXACT) return { exact: union, cnf: [] };
  }
  // Any one alternative may match: keep each one's most selective clause and require any of them.
  const clause = new Set<string>();
  for (const info of infos) {
    const best = bestClause(toCnf(info));
    if (best === undefined) return ANY;
    for (const literal of best) clause.add(literal);
  }
  return { exact: null, cnf: [minimalClause(clause)] };
}

/**
 * Consecutive exact pieces are multiplied out (c·h·e·c·k → "check") so that literals span
 * characters; a piece known only by a requirement ends the run.
 */
function sequence(elements: readonly AST.Element[], names: string[]): Info {
  const cnf: string[][] = [];
  let run: ReadonlySet<string> = EMPTY.exact!;
  let allExact = true;
  for (const element of elements) {
    const info = elementInfo(element, names);
    if (info.exact !== null && run.size * info.exact.size <= MAX_EXACT) {
      run = product(run, info.exact);
      continue;
    }
    cnf.push(...toCnf({ exact: run, cnf: [] }));
    if (info.exact !== null) {
      run = info.exact;
    } else {
      cnf.push(...info.cnf);
      run = EMPTY.exact!;
      allExact = false;
    }
  }
  if (allExact && cnf.length === 0) return { exact: run, cnf: [] };
  cnf.push(...toCnf({ exact: run, cnf: [] }));
  return { exact: null, cnf };
}

function product(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const result = new Set<string>();
  for (const x of a) for (const y of b) result.add(x + y);
  return result;
}

function elementInfo(node: AST.Element, names: string[]): Info {
  switch (node.type) {
    case 'Character':
      return character(node.value);
    case 'CharacterClass':
      return characterClass(node);
    case 'CharacterSet':
      return ANY;
    case 'Assertion':
      if (node.kind === 'lookahead' || node.kind === 'lookbehind') return ANY;
      return EMPTY;
    case 'Group':
      return alternation(node.alternatives, names);
    case 'CapturingGroup':
      if (node.name !== null) names.push(node.name);
      return alternation(node.alternatives, names);
    case 'Quantifier':
      return quantifier(node, names);
    default:
      return ANY;
  }
}

function quantifier(node: AST.Quantifier, names: string[]): Info {
  const inner = elementInfo(node.element, names);
  if (node.min === 1 && node.max === 1) return inner;
  if (node.min === 0 && node.max === 1 && inner.exact !== null && inner.exact.size < MAX_EXACT) {
    return { exact: new Set([...inner.exact, '']), cnf: [] };
  }
  if (node.min === 0) return ANY;
  return { exact: null, cnf: toCnf(inner) };
}

/** Only ASCII is indexed: its case folding is plain lowercasing (see foldQuery). */
function character(code: number): Info {
  return code < 0x80 ? { exact: new Set([String.fromCharCode(code).toLowerCase()]), cnf: [] } : ANY;
}

function characterClass(node: AST.CharacterClass): Info {
  if (node.negate) return ANY;
  const chars = new Set<string>();
  for (const element of node.elements) {
    if (element.type === 'Character') {
      if (element.value >= 0x80) return ANY;
      chars.add(String.fromCharCode(element.value).toLowerCase());
    } else if (element.type === 'CharacterClassRange') {
      const { min, max } = element;
      if (max.value >= 0x80 || max.value - min.value >= MAX_CLASS_CHARS * 2) return ANY;
      for (let c = min.value; c <= max.value; c++) chars.add(String.fromCharCode(c).toLowerCase());
    } else {
      return ANY;
    }
    if (chars.size > MAX_CLASS_CHARS) return ANY;
  }
  return chars.size === 0 ? ANY : { exact: chars, cnf: [] };
}

function toCnf(info: Info): string[][] {
  if (info.exact === null) return info.cnf;
  if (info.exact.size === 0 || info.exact.has('')) return [];
  return [minimalClause(info.exact)];
}

/** "store" or "stores" holds exactly when "store" does: a literal containing another adds nothing. */
function minimalClause(literals: Iterable<string>): string[] {
  const sorted = [...new Set(literals)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const literal of sorted) if (!kept.some((shorter) => literal.includes(shorter))) kept.push(literal);
  return kept;
}

/** The clause most likely to rule a query out: longest shortest literal, then fewest literals. */
function bestClause(cnf: readonly (readonly string[])[]): readonly string[] | undefined {
  let best: readonly string[] | undefined;
  for (const clause of cnf) {
    if (best === undefined || clauseQuality(clause) > clauseQuality(best)) best = clause;
  }
  return best;
}

function clauseQuality(clause: readonly string[]): number {
  const shortest = Math.min(...clause.map((l) => l.length));
  return shortest * 100 - clause.length;
}

/** Used when the ECMAScript parser cannot read the trigger (RE2-only syntax such as `(?P<name>…)`). */
function captureNamesBySyntax(source: string): string[] {
  return [...new Set([...source.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!))];
}
