/**
 * Documents by key (a memory's rowid less its namespace's first rowid), where the caller keeps
 * each document's key in its own array: the table holds only document numbers, 4 bytes a slot
 * (open addressing, linear probing, deletion by shifting back). A Map of 100,000 numbers costs
 * ~4 MiB of heap; this, about 1 MiB.
 */
const EMPTY = -1;

export class DocsByKey {
  #slots = new Int32Array(64).fill(EMPTY);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get byteLength(): number {
    return this.#slots.byteLength;
  }

  /** The document with this key, or -1. */
  get(key: number, keys: Uint32Array): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    for (let at = home(key, mask); ; at = (at + 1) & mask) {
      const doc = slots[at]!;
      if (doc === EMPTY || keys[doc] === key) return doc;
    }
  }

  /** Adds a document whose key (keys[doc]) no other document has. */
  add(doc: number, keys: Uint32Array): void {
    if ((this.#size + 1) * 4 > this.#slots.length * 3) this.rebuild(keys, [], this.#slots.length * 2);
    this.#place(doc, keys);
    this.#size++;
  }

  /** Removes the document with this key; false if there is none. */
  delete(key: number, keys: Uint32Array): boolean {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let at = home(key, mask);
    for (; ; at = (at + 1) & mask) {
      if (slots[at] === EMPTY) return false;
      if (keys[slots[at]!] === key) break;
    }
    for (let next = (at + 1) & mask; slots[next] !== EMPTY; next = (next + 1) & mask) {
      const start = home(keys[slots[next]!]!, mask);
      if (((next - start) & mask) >= ((next - at) & mask)) {
        slots[at] = slots[next]!;
        at = next;
      }
    }
    slots[at] = EMPTY;
    this.#size--;
    return true;
  }

  /** Starts again from these documents (or the ones held, with `docs` empty), in `size` slots. */
  rebuild(keys: Uint32Array, docs: ArrayLike<number>, size = 0): void {
    const held: number[] = [];
    if (docs.length === 0) for (const doc of this.#slots) if (doc !== EMPTY) held.push(doc);
    const all = docs.length === 0 ? held : docs;
    let slots = 64;
    while (slots < Math.max(size, Math.ceil((all.length * 4) / 3) + 1)) slots *= 2;
    this.#slots = new Int32Array(slots).fill(EMPTY);
    this.#size = 0;
    for (let i = 0; i < all.length; i++) {
      this.#place(all[i]!, keys);
      this.#size++;
    }
  }

  #place(doc: number, keys: Uint32Array): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let at = home(keys[doc]!, mask);
    while (slots[at] !== EMPTY) at = (at + 1) & mask;
    slots[at] = doc;
  }
}

function home(key: number, mask: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 8) & mask;
}
