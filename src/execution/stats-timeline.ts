/** Executions per time bucket, for live charts: how many, how many succeeded or were cache hits, tokens. */
export interface ExecutionTimeline {
  /** Width of each bucket. */
  bucketSeconds: number;
  /** Start of the first bucket (ISO 8601). */
  from: string;
  /** When the figures were taken (ISO 8601): the last bucket is still filling up to here. */
  until: string;
  /** One value per bucket, oldest first; a bucket without executions holds 0. */
  executions: number[];
  successes: number[];
  cacheHits: number[];
  tokensUsed: number[];
  tokensSaved: number[];
}

export interface TimelineSample {
  success: boolean;
  cacheHit: boolean;
  tokensUsed: number;
  tokensSaved: number;
}

const BUCKET_MS = 5_000;
/** Ten minutes of five-second buckets. */
const BUCKETS = 120;
const FIELDS = 5;

/**
 * A ring of fixed time buckets: each slot remembers which bucket it holds, so a slot
 * left over from an earlier lap reads as empty. Costs 6 KiB whatever the traffic.
 */
export class TimelineRing {
  readonly #ids = new Float64Array(BUCKETS).fill(-1);
  readonly #counts = new Float64Array(BUCKETS * FIELDS);

  add(at: number, sample: TimelineSample): void {
    const id = Math.floor(at / BUCKET_MS);
    const slot = id % BUCKETS;
    const base = slot * FIELDS;
    if (this.#ids[slot] !== id) {
      this.#ids[slot] = id;
      this.#counts.fill(0, base, base + FIELDS);
    }
    this.#counts[base]! += 1;
    if (sample.success) this.#counts[base + 1]! += 1;
    if (sample.cacheHit) this.#counts[base + 2]! += 1;
    this.#counts[base + 3]! += sample.tokensUsed;
    this.#counts[base + 4]! += sample.tokensSaved;
  }

  snapshot(now: number): ExecutionTimeline {
    const last = Math.floor(now / BUCKET_MS);
    const first = last - BUCKETS + 1;
    const columns: number[][] = Array.from({ length: FIELDS }, () => new Array<number>(BUCKETS).fill(0));
    for (let id = first; id <= last; id++) {
      const slot = id % BUCKETS;
      if (this.#ids[slot] !== id) continue;
      for (let field = 0; field < FIELDS; field++) columns[field]![id - first] = this.#counts[slot * FIELDS + field]!;
    }
    const [executions, successes, cacheHits, tokensUsed, tokensSaved] = columns as [
      number[],
      number[],
      number[],
      number[],
      number[],
    ];
    return {
      bucketSeconds: BUCKET_MS / 1000,
      from: new Date(first * BUCKET_MS).toISOString(),
      until: new Date(now).toISOString(),
      executions,
      successes,
      cacheHits,
      tokensUsed,
      tokensSaved,
    };
  }
}
