import type { PatternType } from './pattern-type.js';

/**
 * What an action does to the world decides how the engine treats it:
 * reads are cacheable, writes are never cached and invalidate their namespace's
 * cached reads, effects (tool calls) are never cached.
 */
export type ActionKind = 'read' | 'write' | 'effect';

export interface ActionInfo {
  readonly type: PatternType;
  readonly kind: ActionKind;
  /**
   * Whether a time window in the command ("since Monday", "from the last 2 days") restricts the
   * memories it touches. Writes of new text keep their words: a store or a change never does.
   */
  readonly windowed: boolean;
  readonly description: string;
}

/** Built-in actions. A pattern's action must belong to the pattern's type, so FAST mode stays store-free. */
export const ACTIONS = {
  health: {
    type: 'infrastructure',
    kind: 'read',
    windowed: false,
    description: 'Checks the store and cache, with latencies.',
  },
  stats: {
    type: 'infrastructure',
    kind: 'read',
    windowed: false,
    description: "Returns the engine's execution statistics.",
  },
  list_patterns: {
    type: 'infrastructure',
    kind: 'read',
    windowed: false,
    description: 'Lists the registered patterns.',
  },
  calculate: {
    type: 'infrastructure',
    kind: 'read',
    windowed: false,
    description: 'Evaluates an arithmetic expression safely.',
  },
  execute_tool: {
    type: 'infrastructure',
    kind: 'effect',
    windowed: false,
    description: 'Calls a tool registered with the engine.',
  },
  match_info: {
    type: 'infrastructure',
    kind: 'read',
    windowed: false,
    description: 'Returns the matched pattern and its parameters.',
  },
  store: {
    type: 'memory',
    kind: 'write',
    windowed: false,
    description: 'Stores a memory (identical content updates it).',
  },
  recall: {
    type: 'memory',
    kind: 'read',
    windowed: true,
    description: 'Full-text recall ranked by relevance.',
  },
  list: {
    type: 'memory',
    kind: 'read',
    windowed: true,
    description: 'Memories in the order and number given in words ("the 5 newest about X"), or a plain listing.',
  },
  recall_by_tag: { type: 'memory', kind: 'read', windowed: true, description: 'Memories carrying a tag.' },
  filter_by_importance: {
    type: 'memory',
    kind: 'read',
    windowed: true,
    description: 'Memories at or above an importance.',
  },
  count: {
    type: 'memory',
    kind: 'read',
    windowed: true,
    description: 'How many memories match (in all, by tag, by topic).',
  },
  list_tags: {
    type: 'memory',
    kind: 'read',
    windowed: true,
    description: 'The tags in use, with how many memories carry each.',
  },
  forget: {
    type: 'memory',
    kind: 'write',
    windowed: true,
    description: "Deletes the one memory of the agent's own that clearly matches a subject.",
  },
  forget_by_tag: {
    type: 'memory',
    kind: 'write',
    windowed: true,
    description: "Deletes the agent's own memories carrying a tag.",
  },
  change: {
    type: 'memory',
    kind: 'write',
    windowed: false,
    description: "Replaces the content of the one memory of the agent's own that clearly matches a subject.",
  },
  rename_tag: {
    type: 'memory',
    kind: 'write',
    windowed: false,
    description: "Renames a tag on the agent's own memories.",
  },
  restore: {
    type: 'memory',
    kind: 'write',
    windowed: false,
    description: 'Brings back a kept version of a memory (undoes a delete or a change).',
  },
  semantic_search: {
    type: 'hybrid',
    kind: 'read',
    windowed: true,
    description: 'Lexical and vector search fused by rank.',
  },
  analyze: {
    type: 'hybrid',
    kind: 'read',
    windowed: true,
    description: 'Counts, tags, importance and timeline of related memories.',
  },
  compare: { type: 'hybrid', kind: 'read', windowed: true, description: 'Side-by-side view of two subjects.' },
  temporal: {
    type: 'hybrid',
    kind: 'read',
    windowed: true,
    description: 'Recent related memories over a time window.',
  },
} as const satisfies Record<string, ActionInfo>;

export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

/** The action a pattern runs when its definition names none. */
export const DEFAULT_ACTION: Readonly<Record<PatternType, ActionName>> = {
  infrastructure: 'match_info',
  memory: 'recall',
  hybrid: 'semantic_search',
};

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name);
}
