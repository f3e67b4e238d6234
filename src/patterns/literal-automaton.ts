/**
 * Aho-Corasick automaton over ASCII literals, compiled to a dense transition table so a scan
 * is one array read per query character. Written here because the npm implementations
 * either match by grapheme cluster (so "e" is not found in "e\u0301", which RE2 does match)
 * or allocate an object per hit and copy output lists per state, several times slower on
 * the hot path (see docs/matching.md).
 */
export class LiteralAutomaton {
  /** Maps an ASCII code to its column in the table, or -1 when no literal uses it. */
  readonly #columns = new Int32Array(128).fill(-1);
  readonly #width: number;
  readonly #delta: Int32Array;
  /** Literal id ending at a state, or -1. */
  readonly #terminal: Int32Array;
  /** Nearest state on the failure chain that ends a literal (0 = none). */
  readonly #output: Int32Array;

  /** Literals must be non-empty and ASCII; their ids are their indexes. */
  constructor(literals: readonly string[]) {
    let width = 0;
    let totalLength = 0;
    for (const literal of literals) {
      if (literal.length === 0) throw new RangeError('literals must not be empty');
      totalLength += literal.length;
      for (let i = 0; i < literal.length; i++) {
        const code = literal.charCodeAt(i);
        if (code >= 128) throw new RangeError(`not an ASCII literal: ${literal}`);
        if (this.#columns[code] === -1) this.#columns[code] = width++;
      }
    }
    this.#width = Math.max(width, 1);
    const capacity = totalLength + 1;
    const delta = new Int32Array(capacity * this.#width);
    const terminal = new Int32Array(capacity).fill(-1);
    let states = 1;
    literals.forEach((literal, id) => {
      let state = 0;
      for (let i = 0; i < literal.length; i++) {
        const cell = state * this.#width + this.#columns[literal.charCodeAt(i)]!;
        if (delta[cell] === 0) delta[cell] = states++;
        state = delta[cell]!;
      }
      terminal[state] = id;
    });
    this.#delta = delta.slice(0, states * this.#width);
    this.#terminal = terminal.slice(0, states);
    this.#output = new Int32Array(states);
    this.#link(states);
  }

  /** Calls onLiteral with the id of every literal occurrence in text (repeats included). */
  scan(text: string, onLiteral: (id: number) => void): void {
    const delta = this.#delta;
    const columns = this.#columns;
    const terminal = this.#terminal;
    const output = this.#output;
    const width = this.#width;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const column = code < 128 ? columns[code]! : -1;
      if (column === -1) {
        // No literal contains this character, so no match can span it.
        state = 0;
        continue;
      }
      state = delta[state * width + column]!;
      for (let hit = terminal[state]! >= 0 ? state : output[state]!; hit > 0; hit = output[hit]!) {
        onLiteral(terminal[hit]!);
      }
    }
  }

  /** Breadth-first: failure links, output links, and missing transitions filled from the failure state. */
  #link(states: number): void {
    const delta = this.#delta;
    const width = this.#width;
    const failure = new Int32Array(states);
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (let column = 0; column < width; column++) if (delta[column] !== 0) queue[tail++] = delta[column]!;
    while (head < tail) {
      const state = queue[head++]!;
      const fallback = failure[state]!;
      for (let column = 0; column < width; column++) {
        const cell = state * width + column;
        const child = delta[cell]!;
        if (child === 0) {
          delta[cell] = delta[fallback * width + column]!;
          continue;
        }
        const childFailure = delta[fallback * width + column]!;
        failure[child] = childFailure;
        this.#output[child] = this.#terminal[childFailure]! >= 0 ? childFailure : this.#output[childFailure]!;
        queue[tail++] = child;
      }
    }
  }
}
