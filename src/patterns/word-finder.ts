/**
 * Finds which word conditions (see literal-requirement.ts) occur in a query. Conditions live in
 * a trie of their words, updated in place as patterns come and go; a query is folded, split into
 * words, and each distinct word is looked up once: its satisfied conditions are remembered in a
 * bounded memo, so the common case costs one map lookup per word.
 *
 * Written here because no npm package matches words by position (whole, prefix, suffix,
 * anywhere) with incremental updates; Aho-Corasick packages rebuild on every change.
 */

/** Non-ASCII characters whose lowercase holds an ASCII word character (İ → i̇, ſ → s, K → k). */
export const FOLDS_INTO_WORDS = /[\u0130\u017f\u212a]/;
const MAX_MEMO_WORDS = 16_384;
const MAX_MEMO_WORD_LENGTH = 64;
const MAX_WORD = 32;

interface TrieNode {
  readonly next: Map<number, TrieNode>;
  /** Condition ids of this word: [whole, prefix, suffix, anywhere], -1 when absent. */
  ids: Int32Array | null;
}

/** Conditions one query word satisfies: with their word boundaries respected, and regardless of them. */
interface WordHits {
  readonly bounded: Int32Array;
  readonly anywhere: Int32Array;
}

const WHOLE = 0;
const PREFIX = 1;
const SUFFIX = 2;
const ANYWHERE = 3;

export class WordFinder {
  readonly #root: TrieNode = { next: new Map(), ids: null };
  readonly #ids = new Map<string, number>();
  readonly #conditions: (string | undefined)[] = [];
  readonly #references: number[] = [];
  readonly #freeIds: number[] = [];
  readonly #memo = new Map<string, WordHits>();

  /** Distinct conditions held. */
  get size(): number {
    return this.#ids.size;
  }

  /** Largest id handed out so far plus one: ids are dense, so callers can index arrays by them. */
  get idLimit(): number {
    return this.#conditions.length;
  }

  condition(id: number): string {
    return this.#conditions[id]!;
  }

  /** How many acquisitions hold the condition (patterns that use it). */
  references(id: number): number {
    return this.#references[id] ?? 0;
  }

  /** The condition's id, adding it on first use; every acquire needs a release. */
  acquire(condition: string): number {
    const known = this.#ids.get(condition);
    if (known !== undefined) {
      this.#references[known]!++;
      return known;
    }
    const id = this.#freeIds.pop() ?? this.#conditions.length;
    this.#ids.set(condition, id);
    this.#conditions[id] = condition;
    this.#references[id] = 1;
    const { word, kind } = parseCondition(condition);
    this.#node(word, true)!.ids![kind] = id;
    this.#memo.clear();
    return id;
  }

  release(id: number): void {
    if (--this.#references[id]! > 0) return;
    const condition = this.#conditions[id]!;
    const { word, kind } = parseCondition(condition);
    const node = this.#node(word, false)!;
    node.ids![kind] = -1;
    if (node.ids!.every((i) => i === -1)) node.ids = null;
    this.#prune(word);
    this.#ids.delete(condition);
    this.#conditions[id] = undefined;
    this.#freeIds.push(id);
    this.#memo.clear();
  }

  /** Calls visit with the id of every condition the query satisfies (an id may repeat). */
  find(query: string, visit: (id: number) => void): void {
    let folded = query.toLowerCase();
    // Where RE2 sees a non-word character the folded text has a word character: boundaries cannot be trusted.
    const anywhere = FOLDS_INTO_WORDS.test(query);
    if (anywhere) folded = folded.replaceAll('\u017f', 's');
    let start = -1;
    for (let i = 0; i <= folded.length; i++) {
      const code = i < folded.length ? folded.charCodeAt(i) : 0;
      const inWord = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
      if (inWord) {
        if (start < 0) start = i;
        continue;
      }
      if (start < 0) continue;
      const hits = this.#hits(folded.slice(start, i));
      const ids = anywhere ? hits.anywhere : hits.bounded;
      for (let k = 0; k < ids.length; k++) visit(ids[k]!);
      start = -1;
    }
  }

  #hits(word: string): WordHits {
    const remembered = this.#memo.get(word);
    if (remembered !== undefined) return remembered;
    const hits = this.#scan(word);
    if (word.length <= MAX_MEMO_WORD_LENGTH) {
      if (this.#memo.size >= MAX_MEMO_WORDS) this.#memo.clear();
      this.#memo.set(word, hits);
    }
    return hits;
  }

  /** Walks the trie from every position of the word: at most MAX_WORD steps each. */
  #scan(word: string): WordHits {
    const bounded = new Set<number>();
    const anywhere = new Set<number>();
    for (let start = 0; start < word.length; start++) {
      let node: TrieNode | undefined = this.#root;
      for (let i = start; i < word.length && i - start < MAX_WORD; i++) {
        node = node.next.get(word.charCodeAt(i));
        if (node === undefined) break;
        const ids = node.ids;
        if (ids === null) continue;
        const [atStart, atEnd] = [start === 0, i === word.length - 1];
        const fits = [atStart && atEnd, atStart, atEnd, true];
        for (let kind = WHOLE; kind <= ANYWHERE; kind++) {
          if (ids[kind]! < 0) continue;
          anywhere.add(ids[kind]!);
          if (fits[kind]) bounded.add(ids[kind]!);
        }
      }
    }
    return { bounded: Int32Array.from(bounded), anywhere: Int32Array.from(anywhere) };
  }

  #node(word: string, create: boolean): TrieNode | undefined {
    let node = this.#root;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      let child = node.next.get(code);
      if (child === undefined) {
        if (!create) return undefined;
        child = { next: new Map(), ids: null };
        node.next.set(code, child);
      }
      node = child;
    }
    if (create) node.ids ??= new Int32Array(4).fill(-1);
    return node;
  }

  /** Removes the nodes of a word that no other word passes through. */
  #prune(word: string): void {
    const path: TrieNode[] = [this.#root];
    for (let i = 0; i < word.length; i++) path.push(path[i]!.next.get(word.charCodeAt(i))!);
    for (let i = word.length; i > 0; i--) {
      const node = path[i]!;
      if (node.ids !== null || node.next.size > 0) return;
      path[i - 1]!.next.delete(word.charCodeAt(i - 1));
    }
  }
}

/** `word` → whole, `word*` → prefix, `*word` → suffix, `*word*` → anywhere. */
function parseCondition(condition: string): { word: string; kind: number } {
  const open = condition.startsWith('*');
  const close = condition.endsWith('*');
  const word = condition.slice(open ? 1 : 0, close ? -1 : undefined);
  return { word, kind: open ? (close ? ANYWHERE : SUFFIX) : close ? PREFIX : WHOLE };
}
