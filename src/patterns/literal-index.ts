import { LiteralAutomaton } from './literal-automaton.js';
import { foldQuery, type LiteralRequirement } from './trigger-analysis.js';

/** Shorter literals occur in almost every query, so they filter nothing. */
const MIN_LITERAL_LENGTH = 2;
/** A pattern is a candidate only when every one of its indexed clauses has a literal in the query. */
const MAX_CLAUSES_PER_PATTERN = 3;

/**
 * Maps a query to the patterns that could match it. Each pattern is indexed by up to three
 * clauses of its literal requirement (the rarest across the set); a query's literals, found
 * in one Aho-Corasick pass, select the patterns all of whose clauses are present. Patterns
 * with no usable literal are on the always-checked list.
 */
export class LiteralIndex {
  readonly #automaton: LiteralAutomaton;
  readonly #literals: string[];
  /** For literal id i, postings[postingStart[i] .. postingStart[i+1]) hold slot * 4 + clause. */
  readonly #postingStart: Int32Array;
  readonly #postings: Int32Array;
  readonly #fullMask: Uint8Array;
  readonly #always: Int32Array;
  readonly #clauses: Array<readonly string[][]>;
  /** Per-query scratch, reset by bumping a stamp instead of clearing. */
  readonly #literalStamp: Int32Array;
  readonly #slotStamp: Int32Array;
  readonly #slotMask: Uint8Array;
  #stamp = 0;

  /** `requirements[slot]` is the literal requirement of the pattern at that slot. */
  constructor(requirements: readonly LiteralRequirement[]) {
    const usable = requirements.map((cnf) =>
      cnf.filter((clause) => clause.every((l) => l.length >= MIN_LITERAL_LENGTH)),
    );
    const frequency = new Map<string, number>();
    for (const cnf of usable) {
      for (const literal of new Set(cnf.flat())) frequency.set(literal, (frequency.get(literal) ?? 0) + 1);
    }
    const cost = (clause: readonly string[]): number => clause.reduce((sum, l) => sum + frequency.get(l)!, 0);
    this.#clauses = usable.map((cnf) =>
      dedupeClauses(cnf)
        .sort((a, b) => cost(a) - cost(b))
        .slice(0, MAX_CLAUSES_PER_PATTERN),
    );

    const ids = new Map<string, number>();
    const perLiteral: number[][] = [];
    const always: number[] = [];
    this.#fullMask = new Uint8Array(requirements.length);
    this.#clauses.forEach((clauses, slot) => {
      if (clauses.length === 0) always.push(slot);
      this.#fullMask[slot] = (1 << clauses.length) - 1;
      clauses.forEach((clause, c) => {
        for (const literal of clause) {
          let id = ids.get(literal);
          if (id === undefined) {
            id = perLiteral.push([]) - 1;
            ids.set(literal, id);
          }
          perLiteral[id]!.push(slot * 4 + c);
        }
      });
    });
    this.#literals = [...ids.keys()];
    this.#automaton = new LiteralAutomaton(this.#literals);
    this.#postingStart = new Int32Array(perLiteral.length + 1);
    perLiteral.forEach((list, id) => (this.#postingStart[id + 1] = this.#postingStart[id]! + list.length));
    this.#postings = Int32Array.from(perLiteral.flat());
    this.#always = Int32Array.from(always);
    this.#literalStamp = new Int32Array(this.#literals.length);
    this.#slotStamp = new Int32Array(requirements.length);
    this.#slotMask = new Uint8Array(requirements.length);
  }

  /** Slots of patterns that have no usable literal and are tried on every query. */
  get alwaysChecked(): Int32Array {
    return this.#always;
  }

  /** Distinct literals in the automaton. */
  get literalCount(): number {
    return this.#literals.length;
  }

  /** The clauses a slot is indexed by (empty when always-checked). */
  clausesOf(slot: number): readonly string[][] {
    return this.#clauses[slot] ?? [];
  }

  /**
   * Candidate slots (positions in match order) for a query, ascending: the indexed hits
   * merged with the always-checked list. Adds the index's literals seen in the query to `found`.
   */
  candidates(query: string, found?: Set<string>): Int32Array {
    const stamp = this.#nextStamp();
    const hits: number[] = [];
    const postings = this.#postings;
    const postingStart = this.#postingStart;
    this.#automaton.scan(foldQuery(query), (id) => {
      if (this.#literalStamp[id] === stamp) return;
      this.#literalStamp[id] = stamp;
      found?.add(this.#literals[id]!);
      for (let p = postingStart[id]!, end = postingStart[id + 1]!; p < end; p++) {
        const slot = postings[p]! >> 2;
        const bit = 1 << (postings[p]! & 3);
        if (this.#slotStamp[slot] !== stamp) {
          this.#slotStamp[slot] = stamp;
          this.#slotMask[slot] = 0;
        }
        const before = this.#slotMask[slot]!;
        if ((before & bit) !== 0) continue;
        this.#slotMask[slot] = before | bit;
        if ((before | bit) === this.#fullMask[slot]) hits.push(slot);
      }
    });
    return mergeSorted(Int32Array.from(hits).sort(), this.#always);
  }

  #nextStamp(): number {
    if (this.#stamp === 0x7fffffff) {
      this.#stamp = 0;
      this.#literalStamp.fill(0);
      this.#slotStamp.fill(0);
    }
    return ++this.#stamp;
  }
}

function dedupeClauses(cnf: readonly (readonly string[])[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const clause of cnf) {
    const sorted = [...new Set(clause)].sort();
    seen.set(sorted.join('\u0000'), sorted);
  }
  return [...seen.values()];
}

function mergeSorted(a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
