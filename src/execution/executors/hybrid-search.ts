import type { Memory, Scope, ScoredMemory } from '../../memory/store.js';
import { topicWords } from '../../text.js';
import type { ActionServices } from './action.js';

/** A memory ranked by the fusion of a lexical and a vector search. */
export interface FusedMemory extends Memory {
  /** Reciprocal-rank-fusion score: higher is better. */
  score: number;
  /** 1-based rank in the full-text results, or null if absent there. */
  lexicalRank: number | null;
  /** 1-based rank among vector neighbours, or null if absent there. */
  semanticRank: number | null;
  /** Cosine similarity to the query, when it was among the neighbours. */
  similarity: number | null;
}

/** The usual RRF constant: damps the weight of the very first ranks. */
const RRF_K = 60;
/** Neighbours below this similarity share no vocabulary with the query and are noise. */
const MIN_SIMILARITY = 0.15;

/**
 * Full-text (BM25) and vector search run side by side and fused by reciprocal rank, so a
 * memory found by both ranks first and one found by either still appears.
 */
export async function hybridSearch(
  services: ActionServices,
  scope: Scope,
  text: string,
  limit: number,
  filters: { minImportance?: number } = {},
): Promise<FusedMemory[]> {
  if (topicWords(text).length === 0) {
    const listed = await services.store.search(scope, { limit, orderBy: 'importance', ...filters });
    return listed.map((m) => ({ ...m, lexicalRank: null, semanticRank: null, similarity: null }));
  }
  const depth = Math.max(limit, 20);
  const [lexical, semantic] = await Promise.all([
    services.store.search(scope, { text, limit: depth, ...filters }),
    services.embedder
      .embed(text)
      .then((embedding) => services.store.nearest(scope, { embedding, limit: depth, ...filters })),
  ]);
  const fused = new Map<string, FusedMemory>();
  const entry = (memory: ScoredMemory): FusedMemory => {
    let found = fused.get(memory.id);
    if (!found) {
      found = { ...memory, score: 0, lexicalRank: null, semanticRank: null, similarity: null };
      fused.set(memory.id, found);
    }
    return found;
  };
  lexical.forEach((memory, i) => {
    const item = entry(memory);
    item.lexicalRank = i + 1;
    item.score += 1 / (RRF_K + i + 1);
  });
  semantic
    .filter((memory) => memory.score >= MIN_SIMILARITY)
    .forEach((memory, i) => {
      const item = entry(memory);
      item.semanticRank = i + 1;
      item.similarity = round(memory.score);
      item.score += 1 / (RRF_K + i + 1);
    });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((m) => ({ ...m, score: round(m.score) }));
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
