import { ValidationError } from '../../errors.js';
import type { Scope } from '../../memory/store.js';
import type { ActionHandler, ActionRequest, ActionServices } from './action.js';
import { param } from './action.js';
import { summarize } from './analysis.js';
import { hybridSearch, withVectorsFallback, type FusedMemory, type HybridSearchResult } from './hybrid-search.js';
import { cacheCap, DEFAULT_RESULT_LIMIT } from './memory-actions.js';

type HybridAction = 'semantic_search' | 'analyze' | 'compare' | 'temporal';

/** How many related memories an analysis or comparison aggregates over. */
const ANALYSIS_DEPTH = 50;
const TOP_ITEMS = 5;
const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_DAYS = 30;

/** Actions that combine full-text and vector search with aggregation. */
export function hybridActions(services: ActionServices): Record<HybridAction, ActionHandler> {
  const search = (scope: Scope, text: string, limit: number): Promise<HybridSearchResult> =>
    hybridSearch(services, scope, text, limit);
  const subjectOf = (action: ActionRequest, ...names: string[]): string =>
    param(action, ...names) ?? action.request.query;

  return {
    async semantic_search(action) {
      const text = subjectOf(action, 'query', 'topic');
      const found = await search(action.scope, text, action.request.limit ?? DEFAULT_RESULT_LIMIT);
      const { memories } = found;
      return withVectorsFallback(
        { result: { query: text, count: memories.length, memories }, ...cacheCap(memories, services.now()) },
        found,
      );
    },

    async analyze(action) {
      const subject = subjectOf(action, 'subject');
      const found = await search(action.scope, subject, ANALYSIS_DEPTH);
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
        search(action.scope, left, ANALYSIS_DEPTH),
        search(action.scope, right, ANALYSIS_DEPTH),
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
      const { topic, windowMs, window } = parseWindow(subjectOf(action, 'topic'));
      const now = services.now();
      const from = now - windowMs;
      // Filtered and ordered in the store, so recent memories are found however many older ones match.
      const memories = await services.store.search(action.scope, {
        text: topic,
        createdAfter: from,
        orderBy: 'recent',
        limit: ANALYSIS_DEPTH,
      });
      const limited = memories.slice(0, action.request.limit ?? DEFAULT_RESULT_LIMIT);
      return {
        result: {
          topic,
          window: { description: window, from: new Date(from).toISOString(), to: new Date(now).toISOString() },
          count: memories.length,
          timeline: summarize(memories).timeline,
          memories: limited,
        },
        ...cacheCap(limited, now),
      };
    },
  };
}

const UNIT_MS: Record<string, number> = { hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS };
const WINDOW =
  /\b(?:(?:in|from|during|over|within)\s+)?(?:the\s+)?(?:last|past)\s+(\d{1,4}\s+)?(hour|day|week|month)s?\b/i;
const NAMED_WINDOW = /\b(today|yesterday|this\s+week|this\s+month)\b/i;

/** Reads a time window ("over the last 3 weeks", "this month") out of a topic; 30 days if none. */
export function parseWindow(text: string): { topic: string; windowMs: number; window: string } {
  const numbered = WINDOW.exec(text);
  if (numbered) {
    const count = numbered[1] === undefined ? 1 : Number(numbered[1]);
    const unit = numbered[2]!.toLowerCase();
    return { topic: strip(text, numbered[0]), windowMs: count * UNIT_MS[unit]!, window: `last ${count} ${unit}(s)` };
  }
  const named = NAMED_WINDOW.exec(text);
  if (named) {
    const name = named[1]!.toLowerCase().replace(/\s+/, ' ');
    const days = { today: 1, yesterday: 2, 'this week': 7, 'this month': 30 }[name] ?? DEFAULT_WINDOW_DAYS;
    return { topic: strip(text, named[0]), windowMs: days * DAY_MS, window: name };
  }
  return { topic: text, windowMs: DEFAULT_WINDOW_DAYS * DAY_MS, window: `last ${DEFAULT_WINDOW_DAYS} days` };
}

function strip(text: string, part: string): string {
  return text.replace(part, ' ').replace(/\s+/g, ' ').trim();
}
