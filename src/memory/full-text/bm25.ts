/** FTS5's bm25() constants and per-term factor (sqlite3.c, fts5Bm25Function). */
export const K1 = 1.2;
export const B = 0.75;

/**
 * The factor a term contributes before its IDF: `code` is 2 × its weighted frequency (content
 * counts 1, tags 0.5), `length` the memory's tokens, `averageLength` the namespace's average.
 * Written with FTS5's operations in FTS5's order, so the doubles come out the same.
 */
export function termFactor(code: number, length: number, averageLength: number): number {
  const f = code / 2;
  return (f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * length) / averageLength));
}
