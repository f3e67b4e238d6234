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
  readonly description: string;
}

/** Built-in actions. A pattern's action must belong to the pattern's type, so FAST mode stays store-free. */
export const ACTIONS = {
  health: { type: 'infrastructure', kind: 'read', description: 'Checks the store and cache, with latencies.' },
  stats: { type: 'infrastructure', kind: 'read', description: "Returns the engine's execution statistics." },
  list_patterns: { type: 'infrastructure', kind: 'read', description: 'Lists the registered patterns.' },
  calculate: { type: 'infrastructure', kind: 'read', description: 'Evaluates an arithmetic expression safely.' },
  execute_tool: { type: 'infrastructure', kind: 'effect', description: 'Calls a tool registered with the engine.' },
  match_info: { type: 'infrastructure', kind: 'read', description: 'Returns the matched pattern and its parameters.' },
  store: { type: 'memory', kind: 'write', description: 'Stores a memory (identical content updates it).' },
  recall: { type: 'memory', kind: 'read', description: 'Full-text recall ranked by relevance.' },
  recall_by_tag: { type: 'memory', kind: 'read', description: 'Memories carrying a tag.' },
  filter_by_importance: { type: 'memory', kind: 'read', description: 'Memories at or above an importance.' },
  semantic_search: { type: 'hybrid', kind: 'read', description: 'Lexical and vector search fused by rank.' },
  analyze: { type: 'hybrid', kind: 'read', description: 'Counts, tags, importance and timeline of related memories.' },
  compare: { type: 'hybrid', kind: 'read', description: 'Side-by-side view of two subjects.' },
  temporal: { type: 'hybrid', kind: 'read', description: 'Recent related memories over a time window.' },
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
