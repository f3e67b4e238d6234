/**
 * A hash table from whole-number keys (0 ≤ key < 2^53: rowids, seqs) to small whole numbers
 * (≥ 0), in two typed arrays: open addressing, linear probing, deletion by shifting back.
 * Written by hand because a JavaScript Map of 100,000 numbers costs ~4 MiB of heap and ~100 ns
 * an insert, where this costs 12 bytes a slot and a few nanoseconds.
 */
const EMPTY = -1;

export class IdTable {
  #keys: Float64Array;
  #values: Int32Array;
  #mask: number;
  #size = 0;

  constructor(capacity = 16) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.#keys = new Float64Array(slots);
    this.#values = new Int32Array(slots).fill(EMPTY);
    this.#mask = slots - 1;
  }

  get size(): number {
    return this.#size;
  }

  get byteLength(): number {
    return this.#keys.byteLength + this.#values.byteLength;
  }

  /** The key's value, or -1. */
  get(key: number): number {
    const keys = this.#keys;
    const values = this.#values;
    for (let at = this.#home(key); ; at = (at + 1) & this.#mask) {
      const value = values[at]!;
      if (value === EMPTY || keys[at] === key) return value;
    }
  }

  /** The key's value; if absent, `value` is added for it and returned. */
  getOrAdd(key: number, value: number): number {
    if ((this.#size + 1) * 4 > this.#keys.length * 3) this.#resize(this.#keys.length * 2);
    const keys = this.#keys;
    const values = this.#values;
    for (let at = this.#home(key); ; at = (at + 1) & this.#mask) {
      const found = values[at]!;
      if (found === EMPTY) {
        keys[at] = key;
        values[at] = value;
        this.#size++;
        return value;
      }
      if (keys[at] === key) return found;
    }
  }

  set(key: number, value: number): void {
    if ((this.#size + 1) * 4 > this.#keys.length * 3) this.#resize(this.#keys.length * 2);
    const keys = this.#keys;
    const values = this.#values;
    for (let at = this.#home(key); ; at = (at + 1) & this.#mask) {
      if (values[at] === EMPTY) {
        keys[at] = key;
        values[at] = value;
        this.#size++;
        return;
      }
      if (keys[at] === key) {
        values[at] = value;
        return;
      }
    }
  }

  /** Removes the key; false if it was not there. */
  delete(key: number): boolean {
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    let at = this.#home(key);
    for (; ; at = (at + 1) & mask) {
      if (values[at] === EMPTY) return false;
      if (keys[at] === key) break;
    }
    // Shift back the entries after it whose probe passed through the freed slot.
    for (let next = (at + 1) & mask; values[next] !== EMPTY; next = (next + 1) & mask) {
      const home = this.#home(keys[next]!);
      if (((next - home) & mask) >= ((next - at) & mask)) {
        keys[at] = keys[next]!;
        values[at] = values[next]!;
        at = next;
      }
    }
    values[at] = EMPTY;
    this.#size--;
    return true;
  }

  /** Calls `visit` for every entry (in no order). */
  forEach(visit: (key: number, value: number) => void): void {
    for (let at = 0; at < this.#keys.length; at++)
      if (this.#values[at] !== EMPTY) visit(this.#keys[at]!, this.#values[at]!);
  }

  #home(key: number): number {
    if (key < 4294967296) return (Math.imul(key >>> 0, 0x9e3779b1) >>> 7) & this.#mask;
    const low = key % 4294967296;
    const high = (key - low) / 4294967296;
    return (Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1) >>> 7) & this.#mask;
  }

  #resize(slots: number): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Float64Array(slots);
    this.#values = new Int32Array(slots).fill(EMPTY);
    this.#mask = slots - 1;
    this.#size = 0;
    for (let at = 0; at < keys.length; at++) if (values[at] !== EMPTY) this.set(keys[at]!, values[at]!);
  }
}
