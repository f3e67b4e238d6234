// Helpers shared by the scenarios: percentiles, timing loops and table printing.

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Runs fn `iterations` times after `warmup` untimed runs; returns the sorted durations in ms. */
export async function timeAsync(fn, { iterations = 500, warmup = 50 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const durations = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn(i);
    durations[i] = performance.now() - start;
  }
  return Array.from(durations).sort((a, b) => a - b);
}

export function summary(sorted) {
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
  };
}

export function fmt(ms, digits = 3) {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(digits);
}

export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

export function mib(bytes) {
  return (bytes / 2 ** 20).toFixed(1);
}
