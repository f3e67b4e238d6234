import type { Memory } from '../../memory/store.js';

export interface MemorySummary {
  count: number;
  tagDistribution: Array<{ tag: string; count: number }>;
  importance: { min: number; max: number; mean: number; median: number } | null;
  /** Memories created per UTC day, oldest first. */
  timeline: Array<{ date: string; count: number }>;
  agents: Array<{ agentId: string; count: number }>;
}

const TOP_TAGS = 10;

/** Aggregates a set of memories: what an "analyze" or "compare" answer is built from. */
export function summarize(memories: readonly Memory[]): MemorySummary {
  const tags = new Map<string, number>();
  const days = new Map<string, number>();
  const agents = new Map<string, number>();
  for (const memory of memories) {
    for (const tag of memory.tags) increment(tags, tag);
    increment(days, memory.createdAt.slice(0, 10));
    increment(agents, memory.agentId);
  }
  const importances = memories.map((m) => m.importance).sort((a, b) => a - b);
  return {
    count: memories.length,
    tagDistribution: ranked(tags, TOP_TAGS).map(([tag, count]) => ({ tag, count })),
    importance:
      importances.length === 0
        ? null
        : {
            min: importances[0]!,
            max: importances[importances.length - 1]!,
            mean: round(importances.reduce((sum, v) => sum + v, 0) / importances.length),
            median: round(median(importances)),
          },
    timeline: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([date, count]) => ({ date, count })),
    agents: ranked(agents).map(([agentId, count]) => ({ agentId, count })),
  };
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function ranked(map: Map<string, number>, top = Infinity): Array<[string, number]> {
  return [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top);
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
