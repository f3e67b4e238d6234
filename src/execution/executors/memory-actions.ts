import { ValidationError } from '../../errors.js';
import { checkedContent } from '../../memory/memory-record.js';
import type { Memory, NewMemory, Scope, SearchQuery, StoreResult } from '../../memory/store.js';
import { numberFromWords, topicText, topicWords } from '../../text.js';
import { REQUEST_LIMITS } from '../request-limits.js';
import type { ActionHandler, ActionOutcome, ActionRequest, ActionServices } from './action.js';
import { param, windowFilter } from './action.js';
import { summarize } from './analysis.js';
import { hybridSearch, isExactHit, withVectorsFallback } from './hybrid-search.js';
import { readSubject } from './subject.js';

type MemoryAction = 'store' | 'recall' | 'list' | 'recall_by_tag' | 'filter_by_importance';

/** The orders words can ask for ("the 5 newest", "my two oldest", "the most important"), as the store sorts. */
const ORDER_WORDS: ReadonlyArray<[RegExp, NonNullable<SearchQuery['orderBy']>]> = [
  [/^(?:newest|latest|last|most\s+recent|most\s+recently\b.*|recent)$/i, 'recent'],
  [/^(?:oldest|earliest|first)$/i, 'oldest'],
  [/^(?:most\s+important|highest[\s-]importance|top)$/i, 'importance'],
  [/^least\s+important$/i, 'least-important'],
  [/^(?:by\s+)?(?:importance|priority)$/i, 'importance'],
  [/^(?:by\s+)?(?:date|age|recency|time)$/i, 'recent'],
];

/** An order said after the topic: "…, newest first", "sorted by importance". */
const SORT_SUFFIX =
  /[\s,]+(?:(?:sorted|ordered|ranked)\s+)?(?:(newest|latest|most\s+recent|oldest|earliest)\s+first|by\s+(importance|priority|date|age|recency))(?:[\s,]+(?:please|pls|thanks|thx))?\s*[?.!]?\s*$/i;
const ORDER_PHRASES = /\b(?:most\s+important|least\s+important|most\s+recent|newest|latest|oldest|earliest)\b/gi;

export const DEFAULT_RESULT_LIMIT = 10;
/** A listing of a time window ("notes from last week") shows more of it than a search's top 10. */
export const WINDOW_LISTING_LIMIT = 50;
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

  const recallText = async (action: ActionRequest, said: string): Promise<ActionOutcome> => {
    // "…, newest first", "… by importance": an order said after the topic, not part of it.
    const suffix = SORT_SUFFIX.exec(said);
    const orderWords =
      param(action, 'order', 'sort', 'order_first', 'importance', 'order_is', 'sorted_by', 'sorted_by_what') ??
      suffix?.[1] ??
      suffix?.[2];
    const order = orderOf(orderWords);
    // Once the order is known, its words ("top 3 most important notes") are no topic.
    const text = order === undefined ? said : said.replace(SORT_SUFFIX, ' ').replace(ORDER_PHRASES, ' ');
    const subject = readSubject(text);
    // "my two oldest memories": whose memories may be said before the part a trigger captured.
    const ownOnly = subject.ownOnly || readSubject(action.text).ownOnly;
    const singular = subject.singular || param(action, 'one', 'one_of') !== undefined;
    const count = numberFromWords(param(action, 'count', 'n', 'n_after') ?? '');
    const filters = {
      ...windowFilter(action),
      ...(subject.tags.length > 0 && { tags: subject.tags }),
      ...(ownOnly && { ownOnly }),
    };
    const topic = subject.topic;
    if (order !== undefined || (topic === '' && !comprehensive(action))) {
      // In the order the words asked for; a plain listing newest first (and longer) when it names a window.
      const listing = order === undefined && action.window !== undefined;
      const orderBy = order ?? (listing ? 'recent' : 'importance');
      const fallback = order && singular ? 1 : listing ? WINDOW_LISTING_LIMIT : limitOf(action);
      const listed = await services.store.search(action.scope, {
        ...(topic !== '' && { text: topic, synonyms: services.lexicon.expansions(topic) }),
        orderBy,
        limit: Math.min(count ?? action.request.limit ?? fallback, REQUEST_LIMITS.maxLimit),
        ...filters,
      });
      return readOutcome(action, { query: text, searchMode: 'lexical', order: orderBy }, listed);
    }
    const limit = Math.min(count ?? limitOf(action), REQUEST_LIMITS.maxLimit);
    // The sentence encoder reads the words as said (a sentence embeds better than a list of
    // topic words); full text reads the topic words.
    if (comprehensive(action)) {
      const found = await hybridSearch(services, action.scope, text, limit, filters);
      return withVectorsFallback(readOutcome(action, { query: text, searchMode: 'hybrid' }, found.memories), found);
    }
    const synonyms = services.lexicon.expansions(topicText(topic));
    const memories = await services.store.search(action.scope, { text: topic, synonyms, limit, ...filters });
    // The cheapest path that answers: a memory holding every topic word settles it; without
    // one the query is likely a paraphrase, and a semantic embedder's vectors join in.
    const words = topicWords(topic);
    const settled = memories.some((memory) => isExactHit(memory, words));
    if (settled || services.embedder.semantic === false) {
      return readOutcome(action, { query: text, searchMode: 'lexical' }, memories);
    }
    const fused = await hybridSearch(services, action.scope, text, limit, filters);
    return withVectorsFallback(readOutcome(action, { query: text, searchMode: 'hybrid' }, fused.memories), fused);
  };

  const actions: Record<MemoryAction, ActionHandler> = {
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

    recall: (action) => recallText(action, param(action, 'query', 'topic') ?? action.text),

    // Order and size in words ("the 5 newest notes on X") and listings ("deploy notes"): only
    // what the trigger captured is a topic, never its verbs or frame.
    list: (action) =>
      recallText(action, [param(action, 'about'), param(action, 'rest', 'topic')].filter(Boolean).join(' ')),

    async recall_by_tag(action) {
      const tag = param(action, 'tag')?.toLowerCase();
      if (tag === undefined) throw new ValidationError('tag: the query names no tag ("recall items tagged security")');
      // "show my notes tagged cost": the agent's own only.
      const { ownOnly } = readSubject(action.text);
      const memories = await services.store.search(action.scope, {
        tags: [tag],
        limit: limitOf(action),
        orderBy: 'importance',
        ...windowFilter(action),
        ...(ownOnly && { ownOnly }),
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
        ...windowFilter(action),
      });
      return readOutcome(action, { threshold }, memories);
    },
  };
  return actions;
}

/**
 * Stores one memory, its content held to the record's rule (trimmed, not empty, within the
 * limit); a slow embedder computes its vector behind the write. The store action and the
 * edges' memory operations share it.
 */
export async function writeMemory(
  services: Pick<ActionServices, 'vectors'>,
  scope: Scope,
  memory: NewMemory,
): Promise<StoreResult> {
  return services.vectors.store(scope, { ...memory, content: checkedContent(memory.content) });
}

function orderOf(words: string | undefined): NonNullable<SearchQuery['orderBy']> | undefined {
  return words === undefined ? undefined : ORDER_WORDS.find(([pattern]) => pattern.test(words))?.[1];
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
