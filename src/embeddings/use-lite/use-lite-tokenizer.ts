import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shippedModelDirectory } from './tfjs-model-files.js';

/** The vocabulary's first entries are special symbols, never matched in text. */
const RESERVED = 6;
const SEPARATOR = '\u2581';

/**
 * The model's SentencePiece (unigram) tokenizer: the algorithm of `@energetic-ai/embeddings`'
 * Tokenizer, step for step, ties included, so the ids are the same (checked against it in
 * test/embeddings/use-lite-tokenizer.test.ts). Written here because that one, a trie of
 * objects that copies the rest of the text at every position, took ~0.2 ms, a few hundred KB of
 * garbage and 17 MiB of trie per note set, and loading it loads TF.js into a thread that runs
 * ONNX Runtime.
 */
export class UseLiteTokenizer {
  readonly #ids = new Map<string, number>();
  /** Every prefix of every piece: a scan from a position stops at the first that is none. */
  readonly #prefixes = new Set<string>();
  readonly #scores: Float64Array;
  /** A piece's length as the original steps back over it (UTF-16 units; the vocabulary has no astral symbols). */
  readonly #lengths: Int32Array;

  constructor(vocabulary: ReadonlyArray<readonly [string, number]>) {
    this.#scores = Float64Array.from(vocabulary, ([, score]) => score);
    this.#lengths = Int32Array.from(vocabulary, ([piece]) => piece.length);
    for (let id = RESERVED; id < vocabulary.length; id++) {
      const piece = vocabulary[id]![0];
      this.#ids.set(piece, id);
      let prefix = '';
      for (const symbol of piece) this.#prefixes.add((prefix += symbol));
    }
  }

  /** Loads the shipped `vocab.json`. */
  static async load(): Promise<UseLiteTokenizer> {
    const json = await readFile(join(shippedModelDirectory(), 'vocab.json'), 'utf8');
    return new UseLiteTokenizer(JSON.parse(json) as Array<[string, number]>);
  }

  encode(input: string): Int32Array {
    const normalized = input.normalize('NFKC');
    if (normalized.length === 0) return new Int32Array(0);
    const symbols = Array.from(SEPARATOR + normalized.replaceAll(' ', SEPARATOR));
    const end = symbols.length;
    // best[i]: the best score of a split of the first i symbols (0: none yet); word[i]: its last piece.
    const best = new Float64Array(end + 1);
    const word = new Int32Array(end + 1);
    const relax = (to: number, id: number, score: number): void => {
      if (best[to] === 0 || score >= best[to]!) {
        best[to] = score;
        word[to] = id;
      }
    };
    // By start, then length: for each end position, candidates arrive in the original's order.
    for (let start = 0; start < end; start++) {
      let prefix = '';
      let matched = false;
      for (let at = start; at < end && this.#prefixes.has((prefix += symbols[at])); at++) {
        const id = this.#ids.get(prefix);
        if (id === undefined) continue;
        matched = true;
        relax(at + 1, id, this.#scores[id]! + best[start]!);
      }
      if (!matched) relax(start + 1, 0, best[start]!); // an unknown symbol: id 0, score 0
    }
    const reversed: number[] = [];
    for (let at = end; at > 0; at -= this.#lengths[word[at]!]!) reversed.push(word[at]!);
    // Runs of unknown symbols become one unknown.
    const ids = reversed.filter((id, i) => !(id === 0 && i > 0 && reversed[i - 1] === 0));
    return Int32Array.from(ids.reverse());
  }
}
