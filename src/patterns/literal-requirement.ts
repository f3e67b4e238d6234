/**
 * What a trigger requires of any text it matches, as word conditions the word index can check.
 *
 * A condition is a lowercase word of ASCII word characters (`[a-z0-9_]`, 2–32 of them) and where it
 * must sit in a word of the folded query: `deploy` is the whole word, `store*` begins a word,
 * `*ize` ends one, `*tag*` occurs anywhere inside one. A requirement is a conjunction of
 * OR-groups (clauses); each OR-group lists terms, and a term is a conjunction of conditions:
 * `[[['check'], ['test']], [['health']]]` reads (check OR test) AND health.
 */
export type LiteralRequirement = ReadonlyArray<ReadonlyArray<readonly string[]>>;

/** The analysis's own form, before conversion: the same shape over fragments (see BOUNDARY). */
export type FragmentCnf = string[][][];

/**
 * Marks a word boundary inside a fragment: the character on that side of the mark is not a word
 * character, or is the edge of the text. `\bcheck\s+health` gives BOUNDARY+"check"+BOUNDARY+"health".
 */
export const BOUNDARY = '\u0000';

const MIN_WORD = 2;
/** Longer words are cut (keeping a prefix or suffix that the whole word implies). */
const MAX_WORD = 32;

/** The conditions a fragment implies: each of its words of at least MIN_WORD characters, with its boundaries. */
export function fragmentConditions(fragment: string): string[] {
  const conditions: string[] = [];
  let start = -1;
  for (let i = 0; i <= fragment.length; i++) {
    const code = i < fragment.length ? fragment.charCodeAt(i) : 0;
    if (isWordCode(code)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= MIN_WORD) {
      conditions.push(condition(fragment.slice(start, i), start > 0, i < fragment.length));
    }
    start = -1;
  }
  return conditions;
}

function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
}

function condition(word: string, leftBounded: boolean, rightBounded: boolean): string {
  if (word.length > MAX_WORD) {
    // A cut word loses the boundary on the side that was cut.
    if (rightBounded && !leftBounded) return `*${word.slice(-MAX_WORD)}`;
    return `${leftBounded ? '' : '*'}${word.slice(0, MAX_WORD)}*`;
  }
  return `${leftBounded ? '' : '*'}${word}${rightBounded ? '' : '*'}`;
}

/** How selective a condition is likely to be: longer words and bounded ends are rarer. */
export function conditionQuality(condition: string): number {
  const stars = (condition.startsWith('*') ? 1 : 0) + (condition.endsWith('*') ? 1 : 0);
  return condition.length - stars * 3;
}

export function fragmentQuality(fragment: string): number {
  return Math.max(0, ...fragmentConditions(fragment).map(conditionQuality));
}

/** "store" or "stores" holds exactly when "store" does: a fragment containing another adds nothing. */
export function minimalFragments(fragments: Iterable<string>): string[] {
  const sorted = [...new Set(fragments)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const fragment of sorted) if (!kept.some((shorter) => fragment.includes(shorter))) kept.push(fragment);
  return kept;
}

/**
 * Converts the fragment CNF to word conditions: drops OR-groups with a term that implies
 * nothing, removes terms implied by others, and moves a condition common to every term of a
 * group into a group of its own, so `(a∧b)∨(a∧c)` reads `a ∧ (b∨c)`. Clauses come best first.
 */
export function toRequirement(cnf: FragmentCnf): LiteralRequirement {
  const conditionsOf = new Map<string, string[]>();
  const clauses = new Map<string, string[][]>();
  const add = (terms: string[][]) => clauses.set(terms.map((t) => t.join('&')).join('|'), terms);
  for (const clause of cnf) {
    const terms = clause.map((term) => {
      if (term.length === 1) return cached(conditionsOf, term[0]!);
      return [...new Set(term.flatMap((f) => cached(conditionsOf, f)))];
    });
    if (terms.length === 0 || terms.some((term) => term.length === 0)) continue;
    const kept = absorb(terms);
    const common = kept.length === 1 ? kept[0]! : kept.reduce((shared, t) => shared.filter((c) => t.includes(c)));
    for (const c of common) add([[c]]);
    const rest = kept.map((term) => term.filter((c) => !common.includes(c)));
    if (rest.every((term) => term.length > 0)) add(absorb(rest));
  }
  return [...clauses.values()].sort((a, b) => clauseQuality(b) - clauseQuality(a));
}

function cached(conditionsOf: Map<string, string[]>, fragment: string): string[] {
  let conditions = conditionsOf.get(fragment);
  if (conditions === undefined) {
    conditions = [...new Set(fragmentConditions(fragment))].sort();
    conditionsOf.set(fragment, conditions);
  }
  return conditions;
}

/** Terms of an OR-group, sorted, minus duplicates and any term that contains another (it adds nothing). */
function absorb(terms: string[][]): string[][] {
  if (terms.every((t) => t.length === 1)) return [...new Set(terms.map((t) => t[0]!))].sort().map((c) => [c]);
  const sorted = terms.map((t) => (t.length > 1 ? [...t].sort() : t));
  const unique = [...new Map(sorted.map((t) => [t.join('&'), t])).values()].sort((a, b) => a.length - b.length);
  const kept: string[][] = [];
  for (const term of unique) if (!kept.some((smaller) => smaller.every((c) => term.includes(c)))) kept.push(term);
  return kept.sort((a, b) => (a.join('&') < b.join('&') ? -1 : 1));
}

function clauseQuality(clause: readonly (readonly string[])[]): number {
  const termQuality = (term: readonly string[]) => Math.max(...term.map(conditionQuality));
  return Math.min(...clause.map(termQuality)) * 100 - clause.length;
}

/** A requirement for people: each OR-group as its terms, a term's conditions joined by `&`. */
export function describeRequirement(requirement: LiteralRequirement): string[][] {
  return requirement.map((clause) => clause.map((term) => term.join('&')));
}
