/**
 * @module memory/full-text/doc-numbers
 * Small dense numbers (0, 1, 2…) for document ids (seqs) in the order they are first seen, so
 * that a ranking can keep its per-document state in arrays indexed by number instead of hashing
 * every posting it reads. Numbered once, when postings are read from the database, the numbers
 * serve every later search that reuses those postings.
 */
import { IdTable } from './id-table.js';
import { grown } from './typed-arrays.js';

export class DocNumbers {
  readonly #numbers = new IdTable(1024);
  #ids = new Float64Array(1024);

  /** Documents numbered so far: every number is below this. */
  get size(): number {
    return this.#numbers.size;
  }

  /** Bytes held (the id table and the ids by number). */
  get byteLength(): number {
    return this.#numbers.byteLength + this.#ids.byteLength;
  }

  /** The document's number, given on first sight. */
  number(id: number): number {
    const size = this.#numbers.size;
    const number = this.#numbers.getOrAdd(id, size);
    if (number === size) {
      this.#ids = grown(this.#ids, size + 1);
      this.#ids[size] = id;
    }
    return number;
  }

  /** The document's number, or -1 if it has none. */
  find(id: number): number {
    return this.#numbers.get(id);
  }

  /** The id of the document with this number. */
  id(number: number): number {
    return this.#ids[number]!;
  }
}
