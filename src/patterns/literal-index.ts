import { conditionQuality, type LiteralRequirement } from './literal-requirement.js';
import { WordFinder } from './word-finder.js';

/**
 * Maps a query to the items (patterns) whose literal requirement it satisfies, exactly: an
 * item is a candidate only when every OR-group of its requirement has a term whose conditions
 * all occur in the query. Each item is filed under one condition per term of its rarest
 * OR-group, so any query satisfying the requirement reaches it; the whole requirement is then
 * checked. Items with no usable requirement are always candidates. Adding and removing an
 * item touches only its own conditions: nothing is rebuilt.
 *
 * Items live in numbered slots. Each posting list stores, beside every slot filed under its
 * condition, the slot's whole requirement as flat numbers (see encode): a query reads each list
 * it reaches from start to end, instead of chasing one object per pattern through the heap.
 */
export class LiteralIndex<T> {
  readonly #finder = new WordFinder();
  readonly #slotOf = new Map<T, number>();
  readonly #items: (T | undefined)[] = [];
  readonly #programs: (number[] | undefined)[] = [];
  /** Per slot, the condition ids it is filed under (one per term of its filing OR-group). */
  readonly #selectors: number[][] = [];
  /** Per slot, which OR-group it is filed under. */
  readonly #filing: number[] = [];
  readonly #freeSlots: number[] = [];
  readonly #always = new Set<number>();
  /** Per condition id, the slots filed under it, each with its requirement. */
  readonly #postings: (PostingList | undefined)[] = [];
  /** Per condition id and per slot, the last query that saw it: reset by moving the stamp on. */
  #seen: Int32Array = new Int32Array(64);
  #slotSeen: Int32Array = new Int32Array(64);
  #stamp = 0;
  readonly #found: number[] = [];

  /** Distinct conditions held. */
  get conditionCount(): number {
    return this.#finder.size;
  }

  get alwaysCheckedCount(): number {
    return this.#always.size;
  }

  /**
   * Files the items; the rarest OR-group of each is chosen once all of the batch's conditions
   * are counted, so a batch chooses as well as a rebuild would.
   */
  addAll(items: ReadonlyArray<readonly [T, LiteralRequirement]>): void {
    if (items.some(([item]) => this.#slotOf.has(item))) throw new RangeError('an item is already indexed');
    const acquired = items.map(
      ([item, requirement]) =>
        [item, requirement.map((clause) => clause.map((term) => term.map((c) => this.#finder.acquire(c))))] as const,
    );
    this.#seen = grow(this.#seen, this.#finder.idLimit);
    for (const [item, clauses] of acquired) {
      const slot = this.#freeSlots.pop() ?? this.#items.length;
      const { selectors, filing } = this.#choose(clauses);
      this.#slotOf.set(item, slot);
      this.#items[slot] = item;
      const program = encode(clauses);
      this.#programs[slot] = program;
      this.#selectors[slot] = selectors;
      this.#filing[slot] = filing;
      if (selectors.length === 0) this.#always.add(slot);
      for (const id of selectors) (this.#postings[id] ??= new PostingList()).add(slot, program);
    }
    this.#slotSeen = grow(this.#slotSeen, this.#items.length);
  }

  remove(item: T): boolean {
    const slot = this.#slotOf.get(item);
    if (slot === undefined) return false;
    for (const id of this.#selectors[slot]!) this.#postings[id]!.remove(slot);
    for (const id of conditionIds(this.#programs[slot]!)) this.#finder.release(id);
    this.#slotOf.delete(item);
    this.#always.delete(slot);
    this.#items[slot] = undefined;
    this.#programs[slot] = undefined;
    this.#selectors[slot] = [];
    this.#freeSlots.push(slot);
    return true;
  }

  isAlwaysChecked(item: T): boolean {
    const slot = this.#slotOf.get(item);
    return slot !== undefined && this.#always.has(slot);
  }

  /** The item's requirement as conditions, its filing OR-group first. */
  requirementOf(item: T): string[][][] {
    const slot = this.#slotOf.get(item);
    if (slot === undefined) return [];
    const clauses = decode(this.#programs[slot]!).map((c) => c.map((t) => t.map((id) => this.#finder.condition(id))));
    return [...clauses.splice(this.#filing[slot]!, 1), ...clauses];
  }

  /** The items the query may match (in no particular order); `found` receives the conditions it satisfies. */
  candidates(query: string, found?: Set<string>): T[] {
    const stamp = this.#nextStamp();
    this.#found.length = 0;
    this.#finder.find(query, this.#collect);
    const slotSeen = this.#slotSeen;
    const result: T[] = [];
    for (const id of this.#found) {
      found?.add(this.#finder.condition(id));
      const postings = this.#postings[id];
      if (postings === undefined) continue;
      const data = postings.data;
      for (let p = 0; p < data.length; p += 2 + data[p + 1]!) {
        const slot = data[p]!;
        if (slotSeen[slot] === stamp) continue;
        slotSeen[slot] = stamp;
        if (this.#holds(data, p + 2)) result.push(this.#items[slot]!);
      }
    }
    for (const slot of this.#always) result.push(this.#items[slot]!);
    return result;
  }

  /** Records a condition the current query satisfies, once. */
  readonly #collect = (id: number): void => {
    if (this.#seen[id] === this.#stamp) return;
    this.#seen[id] = this.#stamp;
    this.#found.push(id);
  };

  /**
   * Every OR-group of the requirement encoded at program[start…] has a term whose conditions
   * the current query all satisfies (the hot path: plain loops).
   */
  #holds(program: readonly number[], start: number): boolean {
    const seen = this.#seen;
    const stamp = this.#stamp;
    let p = start + 1;
    for (let c = program[start]!; c > 0; c--) {
      let satisfied = false;
      for (let t = program[p++]!; t > 0; t--) {
        const length = program[p++]!;
        if (!satisfied) {
          satisfied = true;
          for (let i = 0; i < length && satisfied; i++) satisfied = seen[program[p + i]!] === stamp;
        }
        p += length;
      }
      if (!satisfied) return false;
    }
    return true;
  }

  /**
   * One id per term of the OR-group whose postings are shortest now: within a term, the
   * condition fewest patterns use (then the likeliest to be rare).
   */
  #choose(clauses: number[][][]): { selectors: number[]; filing: number } {
    let best = { selectors: [] as number[], filing: 0 };
    let bestCost = Infinity;
    clauses.forEach((clause, filing) => {
      const picks = clause.map((term) => term.reduce((a, b) => (this.#rarity(b) < this.#rarity(a) ? b : a)));
      const cost = picks.reduce((sum, id) => sum + this.#finder.references(id), 0);
      if (cost < bestCost) [best, bestCost] = [{ selectors: [...new Set(picks)], filing }, cost];
    });
    return best;
  }

  #rarity(id: number): number {
    return this.#finder.references(id) * 1000 - conditionQuality(this.#finder.condition(id));
  }

  #nextStamp(): number {
    if (this.#stamp >= 0x7fffffff) {
      this.#stamp = 0;
      this.#seen.fill(0);
      this.#slotSeen.fill(0);
    }
    return ++this.#stamp;
  }
}

/** [clause count, then per clause: term count, then per term: id count, ids…]. */
function encode(clauses: readonly (readonly (readonly number[])[])[]): number[] {
  const flat: number[] = [clauses.length];
  for (const clause of clauses) {
    flat.push(clause.length);
    for (const term of clause) flat.push(term.length, ...term);
  }
  return flat;
}

/**
 * Entries [slot, program length, program…] one after another. A plain array of small integers
 * (V8 stores it unboxed and contiguous); thousands of small typed arrays would each carry a
 * backing store that the garbage collector has to track.
 */
class PostingList {
  readonly data: number[] = [];

  add(slot: number, program: readonly number[]): void {
    this.data.push(slot, program.length, ...program);
  }

  remove(slot: number): void {
    const data = this.data;
    for (let p = 0; p < data.length; p += 2 + data[p + 1]!) {
      if (data[p] === slot) {
        data.splice(p, 2 + data[p + 1]!);
        return;
      }
    }
  }
}

function decode(program: readonly number[]): number[][][] {
  const clauses: number[][][] = [];
  let p = 1;
  for (let c = program[0]!; c > 0; c--) {
    const terms: number[][] = [];
    for (let t = program[p++]!; t > 0; t--) {
      const length = program[p++]!;
      terms.push(program.slice(p, p + length));
      p += length;
    }
    clauses.push(terms);
  }
  return clauses;
}

function conditionIds(program: readonly number[]): number[] {
  return decode(program).flat(2);
}

function grow(array: Int32Array, atLeast: number): Int32Array {
  if (array.length >= atLeast) return array;
  const grown = new Int32Array(Math.max(atLeast, array.length * 2));
  grown.set(array);
  return grown;
}
