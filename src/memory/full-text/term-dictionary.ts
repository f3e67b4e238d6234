/**
 * The terms of an index and their ids (0, 1, 2, … in the order first seen), in typed arrays:
 * each term's UTF-8 bytes in one arena and an open-addressing table of ids. Written by hand
 * because a Map of 100,000 short strings costs ~6 MiB of heap (a string and an entry each),
 * where this costs ~12 bytes a term beyond the bytes themselves.
 */
import { grown } from './typed-arrays.js';

const EMPTY = -1;
const encoder = new TextEncoder();

export class TermDictionary {
  #arena = new Uint8Array(1 << 12);
  #used = 0;
  /** Term t's bytes are #arena[#starts[t] .. #starts[t + 1]). */
  #starts = new Uint32Array(257);
  #count = 0;
  #slots = new Int32Array(512).fill(EMPTY);
  /** The token being looked up, as bytes (ASCII tokens skip the encoder). */
  #token = new Uint8Array(256);

  get size(): number {
    return this.#count;
  }

  get byteLength(): number {
    return this.#arena.byteLength + this.#starts.byteLength + this.#slots.byteLength + this.#token.byteLength;
  }

  /** The token's id, or -1. */
  id(token: string): number {
    const length = this.#encode(token);
    const slot = this.#find(length, this.#hash(length));
    return this.#slots[slot]!;
  }

  /** The token's id, added if new. */
  add(token: string): number {
    const length = this.#encode(token);
    const hash = this.#hash(length);
    let slot = this.#find(length, hash);
    if (this.#slots[slot] !== EMPTY) return this.#slots[slot]!;
    if ((this.#count + 1) * 4 > this.#slots.length * 3) {
      this.#rehash(this.#slots.length * 2);
      slot = this.#find(length, hash);
    }
    const id = this.#count++;
    if (this.#used + length > this.#arena.length) this.#arena = grown(this.#arena, this.#used + length);
    this.#arena.set(this.#token.subarray(0, length), this.#used);
    this.#used += length;
    if (id + 2 > this.#starts.length) this.#starts = grown(this.#starts, id + 2);
    this.#starts[id + 1] = this.#used;
    this.#slots[slot] = id;
    return id;
  }

  /** Gives back the room kept for growth. */
  trim(): void {
    this.#arena = this.#arena.slice(0, this.#used + (this.#used >> 6));
    this.#starts = this.#starts.slice(0, this.#count + 1 + (this.#count >> 6));
  }

  /** Writes the token's UTF-8 bytes to #token; returns their count. */
  #encode(token: string): number {
    if (token.length * 3 > this.#token.length) this.#token = new Uint8Array(token.length * 3);
    for (let i = 0; i < token.length; i++) {
      const code = token.charCodeAt(i);
      if (code >= 0x80) return encoder.encodeInto(token, this.#token).written;
      this.#token[i] = code;
    }
    return token.length;
  }

  /** FNV-1a over the token's bytes. */
  #hash(length: number): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ this.#token[i]!, 0x01000193);
    return hash >>> 0;
  }

  /** The slot holding the token's id, or the empty slot where it would go. */
  #find(length: number, hash: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.#slots[slot]!;
      if (id === EMPTY || this.#equals(id, length)) return slot;
    }
  }

  #equals(id: number, length: number): boolean {
    const start = this.#starts[id]!;
    if (this.#starts[id + 1]! - start !== length) return false;
    for (let i = 0; i < length; i++) if (this.#arena[start + i] !== this.#token[i]) return false;
    return true;
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    for (let id = 0; id < this.#count; id++) {
      let hash = 0x811c9dc5;
      for (let at = this.#starts[id]!; at < this.#starts[id + 1]!; at++)
        hash = Math.imul(hash ^ this.#arena[at]!, 0x01000193);
      let slot = (hash >>> 0) & mask;
      while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.#slots[slot] = id;
    }
  }
}
