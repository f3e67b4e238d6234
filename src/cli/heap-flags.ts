/**
 * @module cli/heap-flags
 * V8 settings the bin gives its own process before it loads anything else. Set at run time
 * (v8.setFlagsFromString) rather than as node flags, because npx, a global install and
 * `node dist/cli/main.js` all start the bin without any.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * V8's young generation starts at 1 MiB semi-spaces and, under a steady stream of requests,
 * grows to 16 MiB ones: 30 MiB that a server then keeps resident. A growth factor of 1 keeps
 * it at its start (the same as `--max-semi-space-size=1`, which only works as a node flag).
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * For a batch job (memory import), which exits when done: V8's default growth factor of 2
 * again. Its batch stays live until promoted, and 1 MiB semi-spaces copied it ~230 times for
 * 10,000 memories (0.4–0.7 s of pauses on a loaded machine) against ~50 (0.2–0.35 s).
 */
export function letYoungGenerationGrow(): void {
  setFlagsFromString('--semi-space-growth-factor=2');
}

/**
 * For a server (mcp, serve), not a batch job: V8 lets the old generation grow to up to about
 * twice the live heap between full collections, by allocation rate, so the same workload left
 * 1 or 34 MiB above the live heap (bench/README.md, "Footprint"). A fixed 20 % bounds it; over
 * 600 searches at 100,000 memories it measured 3–5 MiB less and no slower. Not for an import,
 * whose live heap grows throughout and would be collected far more often.
 */
export function keepOldGenerationReserveSmall(): void {
  setFlagsFromString('--heap-growing-percent=20');
}
