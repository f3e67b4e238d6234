import type { Memory, Scope, ScoredMemory, SearchQuery } from '../../memory/store.js';
import { stem, topicText, topicWords, words } from '../../text.js';
import type { ActionServices } from './action.js';

/** A memory ranked by the fusion of a lexical and a vector search. */
export interface FusedMemory extends Memory {
  /** Fusion score: higher is better (see hybridSearch). */
  score: number;
  /** 1-based rank in the full-text results, or null if absent there. */
  lexicalRank: number | null;
  /** 1-based rank among the vector neighbours above the similarity floor, or null if absent there. */
  semanticRank: number | null;
  /** Cosine similarity to the query, when it was among the neighbours. */
  similarity: number | null;
  /** Every topic word of the query is in the memory's text or tags: an exact full-text hit. */
  exact: boolean;
}

/**
 * Reciprocal-rank constant. 60 is the textbook value for long lists; ours are 20–50 deep,
 * and a smaller k lets the first ranks of each list count for more than agreement far down.
 */
const RRF_K = 20;
/** Neighbours fetched beyond the limit, so fusion has candidates the other list missed. */
const MIN_DEPTH = 30;

/** What both searches keep to: a floor of importance, a created-time window, the agent's own memories. */
export type HybridFilters = Pick<SearchQuery, 'minImportance' | 'createdAfter' | 'createdBefore' | 'ownOnly' | 'tags'>;

/**
 * Full-text (BM25, widened by the lexicon's synonyms) and vector search side by side, fused:
 *
 *   score = 1/(k + lexicalRank) + 1/(k + semanticRank),  k = 20, a missing rank adds 0,
 *
 * where only neighbours at or above the embedder's similarity floor get a semanticRank. Then
 * exact full-text hits (every topic word present) come first, in fused order, so vector noise
 * can never bury a memory that says what the query says; the rest follow in fused order.
 * Rank fusion, not score mixing: BM25 and cosine are on scales that do not compare, and
 * ranks need no calibration per embedder. A failing embedder degrades to full text alone.
 */
export async function hybridSearch(
  services: ActionServices,
  scope: Scope,
  text: string,
  limit: number,
  filters: HybridFilters = {},
): Promise<FusedMemory[]> {
  const topic = topicWords(text);
  if (topic.length === 0) {
    const listed = await services.store.search(scope, { limit, orderBy: 'importance', ...filters });
    return listed.map((m) => ({ ...m, lexicalRank: null, semanticRank: null, similarity: null, exact: false }));
  }
  const depth = Math.max(limit * 2, MIN_DEPTH);
  const about = topicText(text);
  const [lexical, semantic] = await Promise.all([
    services.store.search(scope, { text, synonyms: services.lexicon.expansions(about), limit: depth, ...filters }),
    semanticNeighbours(services, scope, about, depth, filters),
  ]);
  const floor = similarityFloor(services.embedder);
  const fused = new Map<string, FusedMemory>();
  const entry = (memory: ScoredMemory): FusedMemory => {
    let found = fused.get(memory.id);
    if (!found) {
      found = { ...memory, score: 0, lexicalRank: null, semanticRank: null, similarity: null, exact: false };
      fused.set(memory.id, found);
    }
    return found;
  };
  lexical.forEach((memory, i) => {
    const item = entry(memory);
    item.lexicalRank = i + 1;
    item.exact = isExactHit(memory, topic);
    item.score += 1 / (RRF_K + i + 1);
  });
  semantic
    .filter((memory) => memory.score >= floor)
    .forEach((memory, i) => {
      const item = entry(memory);
      item.semanticRank = i + 1;
      item.similarity = round(memory.score);
      item.score += 1 / (RRF_K + i + 1);
    });
  return [...fused.values()]
    .sort((a, b) => Number(b.exact) - Number(a.exact) || b.score - a.score)
    .slice(0, limit)
    .map((m) => ({ ...m, score: round(m.score) }));
}

/** Vector neighbours of the query; empty (and logged) when the embedder cannot answer. */
async function semanticNeighbours(
  services: ActionServices,
  scope: Scope,
  about: string,
  depth: number,
  filters: HybridFilters,
): Promise<ScoredMemory[]> {
  try {
    const embedding = await services.vectors.queryVector(scope.namespace, about);
    return await services.store.nearest(scope, { embedding, limit: depth, ...filters });
  } catch (error) {
    services.logger.warn({ err: error, embedder: services.embedder.id }, 'vector search failed; full text only');
    return [];
  }
}

/**
 * Below this cosine similarity a neighbour is treated as unrelated. Each embedder has its own
 * scale: the sentence encoder puts unrelated short texts around 0.1–0.35, the hashing embedder
 * near 0 (it measures shared vocabulary). An embedder may declare its own.
 */
export function similarityFloor(embedder: { similarityFloor?: number }): number {
  return embedder.similarityFloor ?? DEFAULT_SIMILARITY_FLOOR;
}

const DEFAULT_SIMILARITY_FLOOR = 0.15;

/** Every topic word of the query (stemmed) is in the memory's content or tags. */
export function isExactHit(memory: Memory, topic: readonly string[]): boolean {
  const present = new Set([...words(memory.content), ...memory.tags.flatMap(words)].map(stem));
  return topic.every((word) => present.has(stem(word)));
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
