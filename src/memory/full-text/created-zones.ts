/**
 * Where in doc order a created-time window can find its documents: the earliest and latest
 * created time of every ZONE documents in a row (a zone map). Documents are numbered as they
 * are indexed and memories are mostly written as time goes, so a window of the last week is
 * a stretch at the end of doc order, and a windowed search walks only that stretch of each
 * posting list instead of passing over the rest one posting at a time.
 *
 * The zones only ever widen while documents are added (a memory re-indexed with an old time
 * widens the last zone; a removal leaves them as they were), and are built afresh when the
 * index is sealed (doc ids renumbered): a stretch may hold documents outside the window,
 * never miss one inside it. The filter still checks every document's own time.
 */
import { grown } from './typed-arrays.js';

const ZONE = 128;
/** A window whose stretches cover more than this share of the documents is searched plainly. */
const WORTH_IT = 0.5;

export class CreatedTimeZones {
  /** The sealed postings the zones were built for: a new seal renumbers the documents. */
  #builtFor: object | null = null;
  #documents = 0;
  #earliest = new Float64Array(0);
  #latest = new Float64Array(0);

  /**
   * The stretches of doc ids `[start, end)` (flat pairs, ascending) that may hold documents
   * created in `[from, to)`, or null when the window is open or covers most of the documents.
   */
  stretches(
    createdAt: Float64Array,
    documents: number,
    sealed: object,
    from = -Infinity,
    to = Infinity,
  ): Uint32Array | null {
    if (from === -Infinity && to === Infinity) return null;
    this.#update(createdAt, documents, sealed);
    const found: number[] = [];
    let covered = 0;
    const zones = Math.ceil(documents / ZONE);
    for (let zone = 0; zone < zones; zone++) {
      if (this.#latest[zone]! < from || this.#earliest[zone]! >= to) continue;
      const start = zone * ZONE;
      const end = Math.min(documents, start + ZONE);
      covered += end - start;
      if (found.length > 0 && found[found.length - 1] === start) found[found.length - 1] = end;
      else found.push(start, end);
    }
    return covered > documents * WORTH_IT ? null : Uint32Array.from(found);
  }

  #update(createdAt: Float64Array, documents: number, sealed: object): void {
    if (this.#builtFor !== sealed || documents < this.#documents) {
      this.#builtFor = sealed;
      this.#documents = 0;
    }
    const zones = Math.ceil(documents / ZONE);
    if (this.#earliest.length < zones) {
      this.#earliest = grown(this.#earliest, zones);
      this.#latest = grown(this.#latest, zones);
    }
    for (let doc = this.#documents; doc < documents; doc++) {
      const zone = Math.floor(doc / ZONE);
      const time = createdAt[doc]!;
      if (doc % ZONE === 0) {
        this.#earliest[zone] = time;
        this.#latest[zone] = time;
      } else {
        this.#earliest[zone] = Math.min(this.#earliest[zone]!, time);
        this.#latest[zone] = Math.max(this.#latest[zone]!, time);
      }
    }
    this.#documents = documents;
  }
}
