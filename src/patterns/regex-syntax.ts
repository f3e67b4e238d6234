import { RegExpParser, type AST } from '@eslint-community/regexpp';
import { UnsafePatternError, ValidationError } from '../errors.js';

/** Bounds on a regex's cost, checked before anything is compiled; documented in docs/matching.md. */
export const REGEX_LIMITS = {
  /** Largest count in `{n}`, `{n,}` or `{n,m}`: `(\w{1000})` alone costs milliseconds to compile and match. */
  maxRepeatCount: 100,
  /** Largest program, in RE2 instructions (about one per character, multiplied out by counts). */
  maxProgramSize: 2000,
  /** RE2's own bound: counts of nested repeats, multiplied together. */
  maxNestedRepeat: 1000,
} as const;

/** A regex that passed the syntax checks, with its parse when the ECMAScript parser could read it. */
export interface CheckedRegex {
  /** The ECMAScript parse, or null when the source uses syntax only RE2 reads (such as `(?P<name>…)`). */
  readonly ast: AST.Pattern | null;
  /**
   * True when every construct of the parse is one RE2 reads the same way and accepts, so the
   * regex can be compiled later (on its first use) without any risk of being refused then.
   */
  readonly certified: boolean;
}

/**
 * Escapes whose meaning RE2 and ECMAScript (Annex B) agree on. Anything else (`\Q…\E`,
 * `\pL`, `\z`, `\x{41}`, POSIX `[[:alpha:]]`…) is RE2 syntax that the ECMAScript parser
 * would read as literal letters, and `[]a]` (a class holding "]" in RE2, an empty class in
 * ECMAScript), so such sources are neither analysed nor certified.
 */
const FOREIGN_SYNTAX =
  /\\(?![dDwWsSbBnrtfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|c[A-Za-z]|[^A-Za-z0-9])|\[:|\[\^?\]|\(\?[A-Za-z]*\)/;
/** Constructs RE2 refuses because they need backtracking, named so the error says what to change. */
const BACKTRACKING_ONLY: ReadonlyArray<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookahead/lookbehind assertions'],
  [/\\[1-9]|\\k</, 'backreferences'],
];
const RE2_ESCAPE = /^\\(?:[nrtfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|c[A-Za-z])$/;
const RE2_PUNCTUATION_ESCAPE = /^\\[!-/:-@[-`{-~]$/;
const RE2_GROUP_NAME = /^[A-Za-z0-9_]+$/;
const MAX_CERTIFIED_DEPTH = 100;

const parser = new RegExpParser({ ecmaVersion: 2025 });

/**
 * Checks a regex without compiling it: refuses lookarounds and backreferences (UnsafePatternError)
 * and counts or sizes over REGEX_LIMITS (ValidationError), and says whether RE2 is certain to
 * accept it. `field` names the source in error messages.
 */
export function checkRegex(source: string, field: string): CheckedRegex {
  if (FOREIGN_SYNTAX.test(source)) return { ast: null, certified: false };
  let ast: AST.Pattern;
  try {
    ast = parser.parsePattern(source, 0, source.length, { unicode: false });
  } catch {
    return { ast: null, certified: false };
  }
  const walk = new Walk(field);
  checkProgramSize(walk.alternation(ast.alternatives, 0, 1), field);
  return { ast, certified: walk.certified };
}

/** The error for a regex RE2 refused: UnsafePatternError for backtracking-only constructs, else ValidationError. */
export function refusal(source: string, field: string, error: unknown): ValidationError {
  const refused = BACKTRACKING_ONLY.find(([probe]) => probe.test(source));
  if (refused) return unsafe(field, refused[1], error);
  return new ValidationError(`${field}: invalid regular expression: ${(error as Error).message}`, {
    cause: error,
    details: { field },
  });
}

/**
 * Repeat counts of a source the ECMAScript parser cannot read, found by their syntax; RE2
 * itself refuses counts over 1000, this applies the lower limit.
 */
export function checkRepeatCountsBySyntax(source: string, field: string): void {
  for (const [, min, max] of source.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    tooManyRepeats(field, Math.max(Number(min), Number(max || 0)));
  }
}

/** Refuses a program (estimated from the parse, or counted after compiling) over REGEX_LIMITS.maxProgramSize. */
export function checkProgramSize(size: number, field: string): void {
  if (size > REGEX_LIMITS.maxProgramSize) {
    throw new ValidationError(
      `${field}: the regex compiles to about ${size} instructions, over the limit of ${REGEX_LIMITS.maxProgramSize}; shorten it or lower its repeat counts`,
      { details: { field, limit: 'maxProgramSize', size } },
    );
  }
}

/**
 * One pass over the parse: enforces the limits, estimates the program size the way RE2's
 * parser does (calcSize), and clears `certified` on any construct RE2 might read differently.
 */
class Walk {
  certified = true;
  readonly #names = new Set<string>();

  constructor(readonly field: string) {}

  alternation(alternatives: readonly AST.Alternative[], depth: number, nestedRepeat: number): number {
    if (depth > MAX_CERTIFIED_DEPTH) this.certified = false;
    let size = alternatives.length - 1;
    for (const alternative of alternatives) {
      let elements = 0;
      for (const element of alternative.elements) elements += this.element(element, depth + 1, nestedRepeat);
      size += Math.max(1, elements);
    }
    return Math.max(1, size);
  }

  element(node: AST.Element, depth: number, nestedRepeat: number): number {
    switch (node.type) {
      case 'Character':
        this.character(node);
        return 1;
      case 'CharacterClass':
        this.characterClass(node);
        return 1;
      case 'CharacterSet':
        return 1;
      case 'Assertion':
        if (node.kind === 'lookahead' || node.kind === 'lookbehind') {
          throw unsafe(this.field, 'lookahead/lookbehind assertions');
        }
        return 1;
      case 'Backreference':
        throw unsafe(this.field, 'backreferences');
      case 'Group':
        return this.alternation(node.alternatives, depth, nestedRepeat);
      case 'CapturingGroup':
        if (node.name !== null) {
          // RE2 names are ASCII word characters and unique; ECMAScript allows more.
          if (!RE2_GROUP_NAME.test(node.name) || this.#names.has(node.name)) this.certified = false;
          this.#names.add(node.name);
        }
        return 2 + this.alternation(node.alternatives, depth, nestedRepeat);
      case 'Quantifier':
        return this.quantifier(node, depth, nestedRepeat);
      default:
        this.certified = false;
        return 1;
    }
  }

  quantifier(node: AST.Quantifier, depth: number, nestedRepeat: number): number {
    const counted = node.raw.slice(node.element.raw.length).startsWith('{');
    const unbounded = node.max === Infinity;
    let nested = nestedRepeat;
    if (counted) {
      tooManyRepeats(this.field, unbounded ? node.min : node.max);
      // RE2's repeatIsValid: explicit counts of nested repeats multiply (a zero count ends the chain).
      const count = unbounded ? node.min : node.max;
      nested = count === 0 ? 1 : nestedRepeat * count;
      if (nested > REGEX_LIMITS.maxNestedRepeat) {
        throw new ValidationError(
          `${this.field}: nested repeat counts multiply to ${nested}, over the limit of ${REGEX_LIMITS.maxNestedRepeat}`,
          { details: { field: this.field, limit: 'maxNestedRepeat' } },
        );
      }
    }
    if (node.element.type === 'Assertion') this.certified = false;
    const sub = this.element(node.element, depth + 1, nested);
    if (!counted) return node.min === 0 && unbounded ? 2 + sub : 1 + sub;
    if (unbounded) return node.min === 0 ? 2 + sub : 1 + node.min * sub;
    return Math.max(1, node.max * sub + (node.max - node.min));
  }

  characterClass(node: AST.CharacterClass): void {
    node.elements.forEach((element, i) => {
      if (element.type === 'Character') {
        // An unescaped '-' inside a class is a range that Annex B reads literally (`[\d-z]`); RE2 refuses it.
        const edge = i === 0 || i === node.elements.length - 1;
        if (element.raw === '-' && !edge) this.certified = false;
        this.character(element);
      } else if (element.type === 'CharacterClassRange') {
        this.character(element.min);
        this.character(element.max);
      } else if (element.type !== 'CharacterSet') {
        this.certified = false;
      }
    });
  }

  /**
   * Literal characters (lone surrogates aside) and the escapes both engines read alike. Literal
   * braces and brackets (`a{,3}`, `x]`) read the same in both, as a test checks.
   */
  character(node: AST.Character): void {
    const { raw, value } = node;
    const surrogate = value >= 0xd800 && value <= 0xdfff;
    const agreedEscape = RE2_ESCAPE.test(raw) || RE2_PUNCTUATION_ESCAPE.test(raw);
    if (surrogate || (raw.startsWith('\\') && !agreedEscape)) this.certified = false;
  }
}

function tooManyRepeats(field: string, count: number): void {
  if (count > REGEX_LIMITS.maxRepeatCount) {
    throw new ValidationError(
      `${field}: repeat count ${count} is over the limit of ${REGEX_LIMITS.maxRepeatCount}; use + or * for "any number"`,
      { details: { field, limit: 'maxRepeatCount', count } },
    );
  }
}

function unsafe(field: string, feature: string, cause?: unknown): UnsafePatternError {
  return new UnsafePatternError(
    `${field}: ${feature} are not supported, because they need a backtracking regex engine that a hostile trigger could stall; rewrite it without them`,
    { cause, details: { field, feature } },
  );
}
