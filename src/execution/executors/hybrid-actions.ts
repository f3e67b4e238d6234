import { ValidationError } from '../../errors.js';
import { resolveWindow, type ResolvedWindow } from '../../time/resolve-window.js';
import { RECENT_DAYS } from '../../time/window-phrases.js';
import type { ActionHandler, ActionRequest, ActionServices } from './action.js';
import { param, windowFilter } from './action.js';
import { summarize } from './analysis.js';
import { hybridSearch, withVectorsFallback, type FusedMemory, type HybridSearchResult } from './hybrid-search.js';
import { readSubject } from './subject.js';
import { cacheCap, DEFAULT_RESULT_LIMIT, WINDOW_LISTING_LIMIT } from './memory-actions.js';

type HybridAction = 'semantic_search' | 'analyze' | 'compare' | 'temporal';

/** How many related memories an analysis or comparison aggregates over. */
const ANALYSIS_DEPTH = 50;
const TOP_ITEMS = 5;

/** Actions that combine full-text and vector search with aggregation. */
export function hybridActions(services: ActionServices): Record<HybridAction, ActionHandler> {
  const search = (action: ActionRequest, text: string, limit: number): Promise<HybridSearchResult> =>
    hybridSearch(services, action.scope, text, limit, windowFilter(action));
  const subjectOf = (action: ActionRequest, ...names: string[]): string => param(action, ...names) ?? action.text;

  return {
    async semantic_search(action) {
      const text = subjectOf(action, 'query', 'topic');
      const subject = readSubject(text);
      const limit = action.request.limit ?? DEFAULT_RESULT_LIMIT;
      // "what was written this week?": no topic, only a kind of memory and a window; a listing answers.
      const found: HybridSearchResult =
        subject.topic === '' && (action.window !== undefined || subject.tags.length > 0)
          ? {
              memories: (
                await services.store.search(action.scope, {
                  orderBy: 'recent',
                  limit: action.request.limit ?? WINDOW_LISTING_LIMIT,
                  ...windowFilter(action),
                  ...(subject.tags.length > 0 && { tags: subject.tags }),
                  ...(subject.ownOnly && { ownOnly: true }),
                })
              ).map((m) => ({ ...m, lexicalRank: null, semanticRank: null, similarity: null, exact: false })),
            }
          : await search(action, text, limit);
      const { memories } = found;
      return withVectorsFallback(
        { result: { query: text, count: memories.length, memories }, ...cacheCap(memories, services.now()) },
        found,
      );
    },

    async analyze(action) {
      const subject = subjectOf(action, 'subject');
      const found = await search(action, subject, ANALYSIS_DEPTH);
      const related = found.memories;
      return withVectorsFallback(
        {
          result: { subject, matched: related.length, ...summarize(related), topMemories: related.slice(0, TOP_ITEMS) },
          ...cacheCap(related, services.now()),
        },
        found,
      );
    },

    async compare(action) {
      const left = param(action, 'left');
      const right = param(action, 'right');
      if (left === undefined || right === undefined) {
        throw new ValidationError('compare: name two subjects ("compare caching and pooling")');
      }
      const [leftFound, rightFound] = await Promise.all([
        search(action, left, ANALYSIS_DEPTH),
        search(action, right, ANALYSIS_DEPTH),
      ]);
      const [leftMemories, rightMemories] = [leftFound.memories, rightFound.memories];
      const side = (subject: string, memories: FusedMemory[]) => {
        const summary = summarize(memories);
        return {
          subject,
          matched: memories.length,
          tagDistribution: summary.tagDistribution,
          importance: summary.importance,
          latest: memories.reduce<string | null>(
            (latest, m) => (latest === null || m.createdAt > latest ? m.createdAt : latest),
            null,
          ),
          topMemories: memories.slice(0, TOP_ITEMS),
        };
      };
      const rightIds = new Set(rightMemories.map((m) => m.id));
      const rightTags = new Set(rightMemories.flatMap((m) => m.tags));
      return withVectorsFallback(
        {
          result: {
            left: side(left, leftMemories),
            right: side(right, rightMemories),
            shared: {
              memoryIds: leftMemories.filter((m) => rightIds.has(m.id)).map((m) => m.id),
              tags: [...new Set(leftMemories.flatMap((m) => m.tags))].filter((t) => rightTags.has(t)).sort(),
            },
          },
          ...cacheCap([...leftMemories, ...rightMemories], services.now()),
        },
        leftFound,
        rightFound,
      );
    },

    async temporal(action) {
      // "latest deployment notes": the kind of memory ("notes") is no topic word.
      const said = subjectOf(action, 'topic');
      const topic = readSubject(said).topic || said;
      const now = services.now();
      const window = action.window ?? defaultWindow(now, action.request.timezone);
      // Filtered and ordered in the store, so recent memories are found however many older ones match.
      const memories = await services.store.search(action.scope, {
        text: topic,
        orderBy: 'recent',
        limit: ANALYSIS_DEPTH,
        ...windowFilter({ window }),
      });
      const limited = memories.slice(0, action.request.limit ?? DEFAULT_RESULT_LIMIT);
      const iso = (epoch: number | null) => (epoch === null ? null : new Date(epoch).toISOString());
      return {
        result: {
          topic,
          window: { description: window.description, from: iso(window.from), to: iso(window.to ?? now) },
          count: memories.length,
          timeline: summarize(memories).timeline,
          memories: limited,
        },
        ...cacheCap(limited, now),
      };
    },
  };
}

/** A temporal analysis without a window in its words looks back as far as "recently" does. */
function defaultWindow(now: number, timezone: string): ResolvedWindow {
  const spec = { relation: 'during', period: { kind: 'rolling', unit: 'day', count: RECENT_DAYS } } as const;
  return resolveWindow([spec], `last ${RECENT_DAYS} days`, now, timezone);
}
