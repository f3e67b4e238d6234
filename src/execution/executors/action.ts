import type { Logger } from 'pino';
import type { Embedder } from '../../embeddings/embedder.js';
import type { Lexicon } from '../../lexicon/lexicon.js';
import type { EmbeddingBacklog } from '../../memory/embedding-backlog.js';
import type { MemoryStore, Scope } from '../../memory/store.js';
import type { ActionName } from '../../patterns/actions.js';
import type { PatternDefinition } from '../../patterns/definition.js';
import type { PatternRegistry } from '../../patterns/registry.js';
import type { ExecutionRequest } from '../request.js';
import type { ResolvedWindow } from '../../time/resolve-window.js';
import type { ToolRegistry } from '../tools.js';

export type JsonObject = { [key: string]: unknown };

/** What an action receives: the validated request, the pattern that matched and its parameters. */
export interface ActionRequest {
  readonly request: ExecutionRequest;
  readonly pattern: PatternDefinition;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly matchedText: string;
  /** The query as the pattern read it (without a time window the action applies). */
  readonly text: string;
  /** The created-time window of the memories the action reads or changes, when the query named one. */
  readonly window: ResolvedWindow | undefined;
  readonly scope: Scope;
}

export interface ActionOutcome {
  result: JsonObject;
  /** Set by writes: the namespace whose cached reads are now stale. */
  wroteNamespace?: string;
  /** Caps how long the result may be cached (e.g. a returned memory expires sooner). */
  cacheTtlCapMs?: number;
}

export type ActionHandler = (action: ActionRequest) => Promise<ActionOutcome>;

/** The parts of the engine that actions may use. */
export interface ActionServices {
  store: MemoryStore;
  embedder: Embedder;
  /** Writes and query vectors go through it, so a slow embedder is never on the write path. */
  vectors: EmbeddingBacklog;
  /** Abbreviations and synonyms that widen queries. */
  lexicon: Lexicon;
  registry: PatternRegistry;
  tools: ToolRegistry;
  logger: Logger;
  /** The statistics of one namespace (the caller's), for the `stats` action. */
  stats(namespace: string): JsonObject;
  /** Cache status for health checks. */
  cacheHealth(): Promise<JsonObject & { status: 'ok' | 'degraded' | 'down' }>;
  now(): number;
}

export type ActionTable = Record<ActionName, ActionHandler>;

/** A string parameter, or undefined when absent or blank. */
export function param(action: ActionRequest, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = action.params[name];
    if (value !== undefined && String(value).trim() !== '') return String(value).trim();
  }
  return undefined;
}

/** The created-time bounds of the action's window, as a store query takes them (none without a window). */
export function windowFilter(action: Pick<ActionRequest, 'window'>): { createdAfter?: number; createdBefore?: number } {
  const { window } = action;
  return {
    ...(window?.from != null && { createdAfter: window.from }),
    ...(window?.to != null && { createdBefore: window.to }),
  };
}
