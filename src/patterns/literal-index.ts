import { LiteralAutomaton } from './literal-automaton.js';
import { foldQuery, type LiteralRequirement } from './trigger-analysis.js';

/** Shorter literals occur in almost every query, so they filter nothing. */
const MIN_LITERAL_LENGTH = 2;
/** Clauses checked per pattern: the rarest one selects it, the others confirm it. */
const MAX_CLAUSES_PER_PATTERN = 4;
/**
 * A clause of more alternatives than this filters little and would swell the automaton (a
 * trigger of hundreds of alternatives); leaving it out only makes the pattern a candidate
 * more often, never drops a match.
 */
const MAX_LITERALS_PER_CLAUSE = 32;

/**
 * Maps a query to the patterns that could match it. Each pattern is indexed under the rarest
 * clause of its literal requirement (rarest across the whole set); one Aho-Corasick pass finds
 * the query's literals, the postings of those literals name the patterns, and a pattern stays
 * a candidate only if its other clauses have a literal in the query too. Patterns with no
 * usable literal are on the always-checked list.
 */
export class LiteralIndex {
  readonly #automaton: LiteralAutomaton;
  readonly #literals: string[];
  /** For literal id i, postings[postingStart[i] .. postingStart[i+1]) are the slots it selects. */
  readonly #postingStart: Int32Array;
  readonly #postings: Int32Array;
  /** Per slot, the confirming clauses as literal ids: clauseIds[clauseStart[k] .. clauseStart[k+1]). */
  readonly #confirmStart: Int32Array;
  readonly #clauseStart: Int32Array;
  readonly #clauseIds: Int32Array;
  readonly #always: Int32Array;
  readonly #clauses: Array<readonly string[][]>;
  /** Per-query scratch, reset by bumping a stamp instead of clearing. */
  readonly #literalStamp: Int32Array;
  readonly #slotStamp: Int32Array;
  readonly #found: Int32Array;
  #stamp = 0;

  /** `requirements[slot]` is the literal requirement of the pattern at that slot. */
  constructor(requirements: readonly LiteralRequirement[]) {
    const usable = requirements.map((cnf) =>
      cnf.filter(
        (clause) => clause.length <= MAX_LITERALS_PER_CLAUSE && clause.every((l) => l.length >= MIN_LITERAL_LENGTH),
      ),
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
    const idOf = (literal: string): number => {
      let id = ids.get(literal);
      if (id === undefined) {
        id = ids.size;
        ids.set(literal, id);
      }
      return id;
    };
    const selects: number[][] = [];
    const always: number[] = [];
    const confirmStart = [0];
    const clauseStart = [0];
    const clauseIds: number[] = [];
    this.#clauses.forEach(([primary, ...confirming], slot) => {
      if (primary === undefined) always.push(slot);
      for (const literal of primary ?? []) (selects[idOf(literal)] ??= []).push(slot);
      for (const clause of confirming) {
        for (const literal of clause) clauseIds.push(idOf(literal));
        clauseStart.push(clauseIds.length);
      }
      confirmStart.push(clauseStart.length - 1);
    });
    this.#literals = [...ids.keys()];
    this.#automaton = new LiteralAutomaton(this.#literals);
    this.#postingStart = new Int32Array(this.#literals.length + 1);
    for (let id = 0; id < this.#literals.length; id++) {
      this.#postingStart[id + 1] = this.#postingStart[id]! + (selects[id]?.length ?? 0);
    }
    this.#postings = Int32Array.from(selects.flatMap((list) => list ?? []));
    this.#confirmStart = Int32Array.from(confirmStart);
    this.#clauseStart = Int32Array.from(clauseStart);
    this.#clauseIds = Int32Array.from(clauseIds);
    this.#always = Int32Array.from(always);
    this.#literalStamp = new Int32Array(this.#literals.length);
    this.#slotStamp = new Int32Array(requirements.length);
    this.#found = new Int32Array(this.#literals.length);
  }

  /** Slots of patterns that have no usable literal and are tried on every query. */
  get alwaysChecked(): Int32Array {
    return this.#always;
  }

  /** Distinct literals in the automaton. */
  get literalCount(): number {
    return this.#literals.length;
  }

  /** The clauses a slot is indexed by, selecting one first (empty when always-checked). */
  clausesOf(slot: number): readonly string[][] {
    return this.#clauses[slot] ?? [];
  }

  /**
   * Candidate slots (positions in match order) for a query, ascending: the indexed hits
   * merged with the always-checked list. Adds the index's literals seen in the query to `found`.
   */
  candidates(query: string, found?: Set<string>): Int32Array {
    const stamp = this.#nextStamp();
    const literalStamp = this.#literalStamp;
    const foundIds = this.#found;
    let foundCount = 0;
    this.#automaton.scan(foldQuery(query), (id) => {
      if (literalStamp[id] === stamp) return;
      literalStamp[id] = stamp;
      foundIds[foundCount++] = id;
    });
    const hits: number[] = [];
    for (let f = 0; f < foundCount; f++) {
      const id = foundIds[f]!;
      found?.add(this.#literals[id]!);
      for (let p = this.#postingStart[id]!, end = this.#postingStart[id + 1]!; p < end; p++) {
        const slot = this.#postings[p]!;
        if (this.#slotStamp[slot] === stamp) continue;
        this.#slotStamp[slot] = stamp;
        if (this.#confirmed(slot, stamp)) hits.push(slot);
      }
    }
    return mergeSorted(Int32Array.from(hits).sort(), this.#always);
  }

  /** Whether every confirming clause of the slot has a literal found in this query. */
  #confirmed(slot: number, stamp: number): boolean {
    for (let k = this.#confirmStart[slot]!, last = this.#confirmStart[slot + 1]!; k < last; k++) {
      let satisfied = false;
      for (let i = this.#clauseStart[k]!, end = this.#clauseStart[k + 1]!; i < end && !satisfied; i++) {
        satisfied = this.#literalStamp[this.#clauseIds[i]!] === stamp;
      }
      if (!satisfied) return false;
    }
    return true;
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
