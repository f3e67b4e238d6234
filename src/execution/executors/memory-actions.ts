import { PayloadTooLargeError, ValidationError } from '../../errors.js';
import type { Memory, NewMemory, Scope, StoreResult } from '../../memory/store.js';
import { topicText, topicWords } from '../../text.js';
import { REQUEST_LIMITS } from '../request.js';
import type { ActionHandler, ActionOutcome, ActionRequest, ActionServices } from './action.js';
import { param } from './action.js';
import { summarize } from './analysis.js';
import { hybridSearch, isExactHit, withVectorsFallback } from './hybrid-search.js';

type MemoryAction = 'store' | 'recall' | 'recall_by_tag' | 'filter_by_importance';

export const DEFAULT_RESULT_LIMIT = 10;
const DEFAULT_IMPORTANCE_THRESHOLD = 0.7;

/** Actions on the memory store. In COMPREHENSIVE mode reads take the hybrid path and carry an analysis. */
export function memoryActions(services: ActionServices): Record<MemoryAction, ActionHandler> {
  const comprehensive = (action: ActionRequest): boolean => action.request.mode === 'comprehensive';
  const limitOf = (action: ActionRequest): number => action.request.limit ?? DEFAULT_RESULT_LIMIT;

  const readOutcome = (action: ActionRequest, result: Record<string, unknown>, memories: Memory[]): ActionOutcome => ({
    result: {
      ...result,
      count: memories.length,
      memories,
      ...(comprehensive(action) && { analysis: summarize(memories) }),
    },
    ...cacheCap(memories, services.now()),
  });

  return {
    async store(action) {
      const { request, scope } = action;
      const content = request.content ?? param(action, 'content') ?? payloadAsContent(request.payload);
      if (content === undefined) {
        throw new ValidationError(
          'content: nothing to store; put the text after the verb ("save note: use pgbouncer") or in context.content',
        );
      }
      const { memory, created } = await writeMemory(services, scope, {
        content,
        metadata: request.payload,
        ...(request.tags !== undefined && { tags: request.tags }),
        ...(request.importance !== undefined && { importance: request.importance }),
        ...(request.accessLevel !== undefined && { accessLevel: request.accessLevel }),
        ...(request.sharedWith !== undefined && { sharedWith: request.sharedWith }),
        ...(request.expiresAt !== undefined && { expiresAt: request.expiresAt }),
      });
      return { result: { created, memory }, wroteNamespace: scope.namespace };
    },

    async recall(action) {
      const text = param(action, 'query', 'topic') ?? action.request.query;
      const limit = limitOf(action);
      if (comprehensive(action)) {
        const found = await hybridSearch(services, action.scope, text, limit);
        return withVectorsFallback(readOutcome(action, { query: text, searchMode: 'hybrid' }, found.memories), found);
      }
      const synonyms = services.lexicon.expansions(topicText(text));
      const memories = await services.store.search(action.scope, { text, synonyms, limit });
      // The cheapest path that answers: a memory holding every topic word settles it; without
      // one the query is likely a paraphrase, and a semantic embedder's vectors join in.
      const topic = topicWords(text);
      const settled = topic.length === 0 || memories.some((memory) => isExactHit(memory, topic));
      if (settled || services.embedder.semantic === false) {
        return readOutcome(action, { query: text, searchMode: 'lexical' }, memories);
      }
      const fused = await hybridSearch(services, action.scope, text, limit);
      return withVectorsFallback(readOutcome(action, { query: text, searchMode: 'hybrid' }, fused.memories), fused);
    },

    async recall_by_tag(action) {
      const tag = param(action, 'tag')?.toLowerCase();
      if (tag === undefined) throw new ValidationError('tag: the query names no tag ("recall items tagged security")');
      const memories = await services.store.search(action.scope, {
        tags: [tag],
        limit: limitOf(action),
        orderBy: 'importance',
      });
      return readOutcome(action, { tag }, memories);
    },

    async filter_by_importance(action) {
      const raw = param(action, 'threshold');
      const threshold = raw === undefined ? DEFAULT_IMPORTANCE_THRESHOLD : Number(raw);
      if (!(threshold >= 0 && threshold <= 1)) throw new ValidationError(`threshold: expected 0 to 1, got '${raw}'`);
      const memories = await services.store.search(action.scope, {
        minImportance: threshold,
        limit: limitOf(action),
        orderBy: 'importance',
      });
      return readOutcome(action, { threshold }, memories);
    },
  };
}

/**
 * Stores one memory, refusing content over the size limit (`content` is already trimmed and
 * non-empty); a slow embedder computes its vector behind the write. The store action and the
 * edges' memory operations share it.
 */
export async function writeMemory(
  services: Pick<ActionServices, 'vectors'>,
  scope: Scope,
  memory: NewMemory,
): Promise<StoreResult> {
  if (memory.content.length > REQUEST_LIMITS.maxContentLength) {
    throw new PayloadTooLargeError(
      `content: ${memory.content.length} characters is over the limit of ${REQUEST_LIMITS.maxContentLength}`,
    );
  }
  return services.vectors.store(scope, memory);
}

/** With no text to store, a context payload (the seed stores `plan`, `component`...) is the memory. */
function payloadAsContent(payload: Record<string, unknown>): string | undefined {
  return Object.keys(payload).length > 0 ? JSON.stringify(payload) : undefined;
}

/** A cached read must not outlive the first memory in it that expires. */
export function cacheCap(memories: readonly Memory[], now: number): { cacheTtlCapMs?: number } {
  let earliest = Infinity;
  for (const memory of memories)
    if (memory.expiresAt !== null) earliest = Math.min(earliest, Date.parse(memory.expiresAt));
  return earliest === Infinity ? {} : { cacheTtlCapMs: Math.max(0, earliest - now) };
}
