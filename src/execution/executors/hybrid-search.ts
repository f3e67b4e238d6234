import { PatternServiceError } from '../../errors.js';
import type { Memory, Scope, ScoredMemory, SearchQuery } from '../../memory/store.js';
import { stem, topicText, topicWords, words } from '../../text.js';
import type { ActionOutcome, ActionServices } from './action.js';

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

/** The fused ranking, and whether vectors took part in it. */
export interface HybridSearchResult {
  memories: FusedMemory[];
  /** Present when the vectors could not be searched, so the ranking is full text alone: why. */
  vectors?: VectorsUnavailable;
}

export type VectorsUnavailable = `unavailable: ${string}`;

/** What both searches keep to: tags, a floor of importance, a created-time window, the agent's own memories. */
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
 * ranks need no calibration per embedder. A failing embedder degrades to full text alone,
 * and the result says so (`vectors`).
 */
export async function hybridSearch(
  services: ActionServices,
  scope: Scope,
  text: string,
  limit: number,
  filters: HybridFilters = {},
): Promise<HybridSearchResult> {
  const topic = topicWords(text);
  if (topic.length === 0) {
    const listed = await services.store.search(scope, { limit, orderBy: 'importance', ...filters });
    return {
      memories: listed.map((m) => ({ ...m, lexicalRank: null, semanticRank: null, similarity: null, exact: false })),
    };
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
  semantic.neighbours
    .filter((memory) => memory.score >= floor)
    .forEach((memory, i) => {
      const item = entry(memory);
      item.semanticRank = i + 1;
      item.similarity = round(memory.score);
      item.score += 1 / (RRF_K + i + 1);
    });
  const memories = [...fused.values()]
    .sort((a, b) => Number(b.exact) - Number(a.exact) || b.score - a.score)
    .slice(0, limit)
    .map((m) => ({ ...m, score: round(m.score) }));
  return { memories, ...(semantic.unavailable !== undefined && { vectors: semantic.unavailable }) };
}

/** Vector neighbours of the query; none, logged and said why, when the embedder or the vectors cannot answer. */
async function semanticNeighbours(
  services: ActionServices,
  scope: Scope,
  about: string,
  depth: number,
  filters: HybridFilters,
): Promise<{ neighbours: ScoredMemory[]; unavailable?: VectorsUnavailable }> {
  try {
    const embedding = await services.vectors.queryVector(scope.namespace, about);
    return { neighbours: await services.store.nearest(scope, { embedding, limit: depth, ...filters }) };
  } catch (error) {
    services.logger.warn({ err: error, embedder: services.embedder.id }, 'vector search failed; full text only');
    // Our own errors are written for the caller (a provider's failure names it and its status); others stay in the log.
    const why = error instanceof PatternServiceError ? error.message : `embedder ${services.embedder.id} failed`;
    return { neighbours: [], unavailable: `unavailable: ${why}; full text only` };
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

/**
 * An action's outcome built on hybrid searches, with why vectors were missing if they were
 * (`result.vectors`), and then not cached: once the embedder recovers, the answer uses it.
 */
export function withVectorsFallback(outcome: ActionOutcome, ...searches: HybridSearchResult[]): ActionOutcome {
  const vectors = searches.find((search) => search.vectors !== undefined)?.vectors;
  if (vectors === undefined) return outcome;
  return { ...outcome, result: { ...outcome.result, vectors }, cacheTtlCapMs: 0 };
}
