import type { AST } from '@eslint-community/regexpp';
import { checkRegex } from './regex-syntax.js';
import {
  BOUNDARY,
  fragmentQuality,
  minimalFragments,
  toRequirement,
  type FragmentCnf,
  type LiteralRequirement,
} from './literal-requirement.js';

export type { LiteralRequirement } from './literal-requirement.js';

export interface TriggerAnalysis {
  /** What any match contains, as word conditions (see literal-requirement.ts); empty = nothing known. */
  readonly requirement: LiteralRequirement;
  /** Names of the trigger's named capture groups, in order of appearance. */
  readonly captureNames: readonly string[];
}

/**
 * A node either matches exactly one of a small set of strings (`exact`: lowercase ASCII in
 * which BOUNDARY marks a word boundary), or is known only by what its matches contain (`cnf`).
 */
interface Info {
  readonly exact: ReadonlySet<string> | null;
  readonly cnf: FragmentCnf;
}

const MAX_EXACT = 16;
const MAX_CLASS_CHARS = 4;
/** Terms of one OR-group: beyond this an alternation filters little, and each term is cut to one fragment. */
const MAX_TERMS = 32;
const ANY: Info = { exact: null, cnf: [] };
const EMPTY: Info = { exact: new Set(['']), cnf: [] };
const BOUNDED: Info = { exact: new Set([BOUNDARY]), cnf: [] };
/** Characters outside ASCII that RE2 case-folds to an ASCII word character (ſ → s, K → k): not boundaries. */
const FOLDS_TO_WORD = new Set([0x17f, 0x212a]);
const WORD_CHARACTER = /[a-z0-9_]/;

/**
 * Extracts what a parsed trigger requires of any text it matches (for the literal index) and
 * its capture names. Sound by construction: every rule may only lose information, never invent
 * a requirement, so a trigger is never dropped from the candidates of a query it matches.
 */
export function analyzePattern(pattern: AST.Pattern): TriggerAnalysis {
  const captureNames: string[] = [];
  const info = alternation(pattern.alternatives, captureNames, true);
  return { requirement: toRequirement(toCnf(info)), captureNames: [...new Set(captureNames)] };
}

/** Checks and analyses a trigger source; triggers whose syntax only RE2 reads require nothing. */
export function analyzeTrigger(source: string): TriggerAnalysis {
  const { ast } = checkRegex(source, 'trigger');
  return ast ? analyzePattern(ast) : { requirement: [], captureNames: [] };
}

function alternation(alternatives: readonly AST.Alternative[], names: string[], splittable: boolean): Info {
  const infos = alternatives.map((alt) => sequence(alt.elements, names, splittable));
  if (infos.length === 1) return infos[0]!;
  if (infos.every((i) => i.exact !== null)) {
    const union = new Set<string>();
    for (const info of infos) for (const s of info.exact!) union.add(s);
    if (union.size <= MAX_EXACT) return { exact: union, cnf: [] };
  }
  // Any one alternative may match: one OR-group whose terms are each alternative's conjunctions.
  const terms: string[][] = [];
  for (const info of infos) {
    const dnf = toDnf(toCnf(info));
    if (dnf.some((term) => term.length === 0)) return ANY;
    terms.push(...dnf);
  }
  if (terms.length <= MAX_TERMS) return { exact: null, cnf: [terms] };
  const weakened = minimalFragments(terms.map(bestFragment));
  return weakened.length <= MAX_TERMS ? { exact: null, cnf: [weakened.map((f) => [f])] } : ANY;
}

/**
 * Consecutive exact pieces are multiplied out (c·h·e·c·k → "check", \b·c·h… → BOUNDARY+"check")
 * so that fragments span characters and carry their word boundaries; a piece known only by a
 * requirement ends the run. A run of several strings is also cut after a piece of non-word
 * characters (`\s+`, `:`) when `splittable`: no word spans the cut, so the two halves required
 * separately say exactly what their product said, in fewer terms. An optional group is not
 * splittable: it must stay exact to be known at all.
 */
function sequence(elements: readonly AST.Element[], names: string[], splittable: boolean): Info {
  const cnf: FragmentCnf = [];
  let run: ReadonlySet<string> = EMPTY.exact!;
  let allExact = true;
  const flush = () => {
    cnf.push(...toCnf({ exact: run, cnf: [] }));
    // A run whose every string ends at a word boundary hands the boundary on to the next one.
    const carried = every(run, endsAtBoundary) ? BOUNDED.exact! : EMPTY.exact!;
    allExact = false;
    return carried;
  };
  for (let e = 0; e < elements.length; e++) {
    let info: Info;
    const literal = asciiRun(elements, e);
    if (literal.length > 1) {
      // Consecutive plain characters in one step: the common case, and much cheaper than one product each.
      info = { exact: new Set([literal]), cnf: [] };
      e += literal.length - 1;
    } else {
      info = elementInfo(elements[e]!, names, splittable);
    }
    if (info.exact === null) {
      flush();
      cnf.push(...info.cnf);
      run = EMPTY.exact!;
      continue;
    }
    run = run.size * info.exact.size <= MAX_EXACT ? product(run, info.exact) : product(flush(), info.exact);
    const nonWord = every(info.exact, (s) => s !== '' && !WORD_CHARACTER.test(s));
    if (splittable && nonWord && run.size > 1) run = product(flush(), EMPTY.exact!);
  }
  if (allExact) return { exact: run, cnf: [] };
  cnf.push(...toCnf({ exact: run, cnf: [] }));
  return { exact: null, cnf };
}

/** The lowercased run of ASCII characters starting at elements[start] (empty if there is none). */
function asciiRun(elements: readonly AST.Element[], start: number): string {
  let literal = '';
  for (let i = start; i < elements.length; i++) {
    const element = elements[i]!;
    if (element.type !== 'Character' || element.value >= 0x80) break;
    literal += String.fromCharCode(element.value);
  }
  return literal.toLowerCase();
}

function every(strings: ReadonlySet<string>, test: (s: string) => boolean): boolean {
  for (const s of strings) if (!test(s)) return false;
  return true;
}

function endsAtBoundary(fragment: string): boolean {
  return fragment !== '' && !WORD_CHARACTER.test(fragment.at(-1)!);
}

/** Concatenations of a and b, one BOUNDARY where two meet. */
function product(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const result = new Set<string>();
  for (const x of a) {
    for (const y of b) result.add(x.endsWith(BOUNDARY) && y.startsWith(BOUNDARY) ? x + y.slice(1) : x + y);
  }
  return result;
}

function elementInfo(node: AST.Element, names: string[], splittable: boolean): Info {
  switch (node.type) {
    case 'Character':
      return character(node.value);
    case 'CharacterClass':
      return characterClass(node);
    case 'CharacterSet':
      // \s and \W match one non-word character: a boundary on both sides of it.
      if (node.kind === 'space' && !node.negate) return BOUNDED;
      if (node.kind === 'word' && node.negate) return BOUNDED;
      return ANY;
    case 'Assertion':
      if (node.kind === 'start' || node.kind === 'end') return BOUNDED;
      if (node.kind === 'word') return node.negate ? EMPTY : BOUNDED;
      return ANY;
    case 'Group':
      return alternation(node.alternatives, names, splittable);
    case 'CapturingGroup':
      if (node.name !== null) names.push(node.name);
      return alternation(node.alternatives, names, splittable);
    case 'Quantifier':
      return quantifier(node, names);
    default:
      return ANY;
  }
}

function quantifier(node: AST.Quantifier, names: string[]): Info {
  const inner = elementInfo(node.element, names, node.min > 0);
  if (node.min === 1 && node.max === 1) return inner;
  // A run of non-word characters (`\s+`, `[,;\s]*`) is still one boundary, or nothing when it may be empty.
  if (inner.exact !== null && every(inner.exact, (s) => s === BOUNDARY)) {
    return node.min === 0 ? { exact: new Set(['', BOUNDARY]), cnf: [] } : BOUNDED;
  }
  if (node.min === 0 && node.max === 1 && inner.exact !== null && inner.exact.size < MAX_EXACT) {
    return { exact: new Set([...inner.exact, '']), cnf: [] };
  }
  if (node.min === 0) return ANY;
  return { exact: null, cnf: toCnf(inner) };
}

/** Only ASCII is indexed: its case folding is plain lowercasing (see the query folding in word-index.ts). */
function character(code: number): Info {
  if (code < 0x80) return { exact: new Set([String.fromCharCode(code).toLowerCase()]), cnf: [] };
  return FOLDS_TO_WORD.has(code) ? ANY : BOUNDED;
}

function characterClass(node: AST.CharacterClass): Info {
  if (node.negate) {
    // [^\w…] excludes every word character: what it matches is a boundary.
    const excludesWords = node.elements.some((e) => e.type === 'CharacterSet' && e.kind === 'word' && !e.negate);
    return excludesWords ? BOUNDED : ANY;
  }
  if (node.elements.every(isNonWordElement)) return BOUNDED;
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

function isNonWordElement(element: AST.CharacterClassElement): boolean {
  if (element.type === 'CharacterSet') {
    return (element.kind === 'space' && !element.negate) || (element.kind === 'word' && element.negate);
  }
  if (element.type !== 'Character' && element.type !== 'CharacterClassRange') return false;
  const [min, max] =
    element.type === 'Character' ? [element.value, element.value] : [element.min.value, element.max.value];
  if (min >= 0x80) return !(min <= 0x17f && max >= 0x17f) && !(min <= 0x212a && max >= 0x212a);
  for (let c = min; c <= Math.min(max, 0x7f); c++) if (/\w/.test(String.fromCharCode(c))) return false;
  return max < 0x80;
}

function toCnf(info: Info): FragmentCnf {
  if (info.exact === null) return info.cnf;
  if (info.exact.size === 0 || info.exact.has('')) return [];
  return [minimalFragments([...info.exact]).map((fragment) => [fragment])];
}

/** Conjunctions (terms) any of which a match satisfies: the clauses multiplied out, best first, up to MAX_TERMS. */
function toDnf(cnf: FragmentCnf): string[][] {
  let terms: string[][] = [[]];
  const best = [...cnf].sort((a, b) => clauseQuality(b) - clauseQuality(a));
  for (const clause of best) {
    if (terms.length * clause.length > MAX_TERMS) continue; // dropping a clause only weakens
    terms = terms.flatMap((term) => clause.map((other) => [...term, ...other]));
  }
  return terms;
}

function bestFragment(term: readonly string[]): string {
  return term.reduce((best, f) => (fragmentQuality(f) > fragmentQuality(best) ? f : best));
}

/** How selective an OR-group is: its weakest term's best fragment. */
function clauseQuality(clause: readonly (readonly string[])[]): number {
  return Math.min(...clause.map((term) => fragmentQuality(bestFragment(term)))) * 100 - clause.length;
}
