/**
 * Finds which word conditions (see literal-requirement.ts) occur in a query. Conditions live in
 * a trie of their words (parallel arrays of small integers, not an object per node), updated in
 * place as patterns come and go; a query is folded, split into words, and each distinct word is
 * looked up once: the conditions it satisfies are remembered in a bounded memo, so the common
 * case costs one map lookup per word.
 *
 * Written here because no npm package matches words by position (whole, prefix, suffix,
 * anywhere) with incremental updates; Aho-Corasick packages rebuild on every change.
 */

/** Non-ASCII characters whose lowercase holds an ASCII word character (İ → i̇, ſ → s, K → k). */
export const FOLDS_INTO_WORDS = /[\u0130\u017f\u212a]/;
const MAX_MEMO_WORDS = 16_384;
const MAX_MEMO_WORD_LENGTH = 64;
const MAX_WORD = 32;

/** Conditions one query word satisfies: with their word boundaries respected, and regardless of them. */
interface WordHits {
  readonly bounded: readonly number[];
  readonly anywhere: readonly number[];
}

const WHOLE = 0;
const PREFIX = 1;
const SUFFIX = 2;
const ANYWHERE = 3;
const KINDS = 4;
const NONE = 0;

export class WordFinder {
  /**
   * The trie, as parallel arrays of small integers (no object per node): node 0 is the root,
   * each node lists its children through firstChild/nextSibling, 0 ending a list.
   */
  readonly #label: number[] = [0];
  readonly #firstChild: number[] = [NONE];
  readonly #nextSibling: number[] = [NONE];
  /** The root's children by character code, the one node with many. */
  readonly #rootChild: number[] = new Array<number>(128).fill(NONE);
  /** Per node, KINDS condition ids (whole, prefix, suffix, anywhere), -1 when absent. */
  readonly #nodeIds: number[] = [-1, -1, -1, -1];
  readonly #freeNodes: number[] = [];
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
    this.#nodeIds[this.#insert(word) * KINDS + kind] = id;
    this.#memo.clear();
    return id;
  }

  release(id: number): void {
    if (--this.#references[id]! > 0) return;
    const condition = this.#conditions[id]!;
    const { word, kind } = parseCondition(condition);
    const path = this.#path(word);
    this.#nodeIds[path.at(-1)! * KINDS + kind] = -1;
    this.#prune(path);
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
      let node = 0;
      for (let i = start; i < word.length && i - start < MAX_WORD; i++) {
        node = this.#child(node, word.charCodeAt(i));
        if (node === NONE) break;
        const atStart = start === 0;
        const atEnd = i === word.length - 1;
        for (let kind = WHOLE; kind < KINDS; kind++) {
          const id = this.#nodeIds[node * KINDS + kind]!;
          if (id < 0) continue;
          anywhere.add(id);
          const fits = kind === WHOLE ? atStart && atEnd : kind === PREFIX ? atStart : kind === SUFFIX ? atEnd : true;
          if (fits) bounded.add(id);
        }
      }
    }
    return { bounded: [...bounded], anywhere: [...anywhere] };
  }

  #child(node: number, code: number): number {
    if (node === 0) return code < 128 ? this.#rootChild[code]! : NONE;
    let child = this.#firstChild[node]!;
    while (child !== NONE && this.#label[child] !== code) child = this.#nextSibling[child]!;
    return child;
  }

  /** The word's node, created with the nodes leading to it as needed. */
  #insert(word: string): number {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      let child = this.#child(node, code);
      if (child === NONE) {
        child = this.#freeNodes.pop() ?? this.#label.length;
        this.#label[child] = code;
        this.#firstChild[child] = NONE;
        for (let k = 0; k < KINDS; k++) this.#nodeIds[child * KINDS + k] = -1;
        if (node === 0) {
          this.#rootChild[code] = child;
          this.#nextSibling[child] = NONE;
        } else {
          this.#nextSibling[child] = this.#firstChild[node]!;
          this.#firstChild[node] = child;
        }
      }
      node = child;
    }
    return node;
  }

  /** The nodes from the root to the word's node (the word is in the trie). */
  #path(word: string): number[] {
    const path = [0];
    for (let i = 0; i < word.length; i++) path.push(this.#child(path[i]!, word.charCodeAt(i)));
    return path;
  }

  /** Removes the nodes of a word that no longer lead to any condition. */
  #prune(path: readonly number[]): void {
    for (let i = path.length - 1; i > 0; i--) {
      const node = path[i]!;
      if (this.#firstChild[node] !== NONE) return;
      for (let k = 0; k < KINDS; k++) if (this.#nodeIds[node * KINDS + k]! >= 0) return;
      this.#unlink(path[i - 1]!, node);
      this.#freeNodes.push(node);
    }
  }

  #unlink(parent: number, node: number): void {
    if (parent === 0) {
      this.#rootChild[this.#label[node]!] = NONE;
    } else if (this.#firstChild[parent] === node) {
      this.#firstChild[parent] = this.#nextSibling[node]!;
    } else {
      let previous = this.#firstChild[parent]!;
      while (this.#nextSibling[previous] !== node) previous = this.#nextSibling[previous]!;
      this.#nextSibling[previous] = this.#nextSibling[node]!;
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
