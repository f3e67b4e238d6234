/**
 * @module memory/full-text/top-k-heap
 * The k best (score, id) pairs of a ranking, kept in a min-heap. Written by hand: heap libraries
 * hold an object per entry, this one two typed arrays, so an offer on the hot path allocates nothing.
 */

/** The k best (score, id) pairs offered, in a min-heap: ties go to the higher id. */
export class TopK {
  readonly #k: number;
  readonly #scores: Float64Array;
  readonly #ids: Float64Array;
  #size = 0;

  constructor(k: number) {
    this.#k = k;
    this.#scores = new Float64Array(k);
    this.#ids = new Float64Array(k);
  }

  get full(): boolean {
    return this.#size === this.#k;
  }

  get size(): number {
    return this.#size;
  }

  /** The k-th best score once full. */
  get minScore(): number {
    return this.#scores[0]!;
  }

  get minId(): number {
    return this.#ids[0]!;
  }

  offer(score: number, id: number): void {
    if (this.#k === 0) return;
    let i: number;
    if (this.#size < this.#k) {
      i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!ranksBelow(score, id, this.#scores[parent]!, this.#ids[parent]!)) break;
        this.#move(parent, i);
        i = parent;
      }
    } else {
      if (!ranksBelow(this.#scores[0]!, this.#ids[0]!, score, id)) return;
      i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= this.#size) break;
        const right = child + 1;
        if (
          right < this.#size &&
          ranksBelow(this.#scores[right]!, this.#ids[right]!, this.#scores[child]!, this.#ids[child]!)
        )
          child = right;
        if (!ranksBelow(this.#scores[child]!, this.#ids[child]!, score, id)) break;
        this.#move(child, i);
        i = child;
      }
    }
    this.#scores[i] = score;
    this.#ids[i] = id;
  }

  /** Best first. */
  sorted(): Array<{ id: number; score: number }> {
    const hits: Array<{ id: number; score: number }> = [];
    for (let i = 0; i < this.#size; i++) hits.push({ id: this.#ids[i]!, score: this.#scores[i]! });
    return hits.sort((a, b) => b.score - a.score || b.id - a.id);
  }

  #move(from: number, to: number): void {
    this.#scores[to] = this.#scores[from]!;
    this.#ids[to] = this.#ids[from]!;
  }
}

/** Whether (score, id) ranks below (otherScore, otherId): lower score, or the same and an older id. */
export function ranksBelow(score: number, id: number, otherScore: number, otherId: number): boolean {
  return score < otherScore || (score === otherScore && id < otherId);
}
