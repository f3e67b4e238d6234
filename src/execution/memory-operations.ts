import { z } from 'zod';
import { MemoryNotFoundError, PayloadTooLargeError, ValidationError } from '../errors.js';
import {
  futureEpoch,
  identifier,
  memoryId,
  memoryInputSchema,
  memoryUpdateSchema,
  parseMemoryFields,
  tag,
} from '../memory/memory-record.js';
import {
  type Memory,
  type MemoryPatch,
  type MemoryStore,
  type MemoryVersion,
  type ScoredMemory,
  type StoreResult,
} from '../memory/store.js';
import { topicText } from '../text.js';
import { checkedTimeZone, serverTimeZone } from '../time/resolve-window.js';
import { windowFromBounds } from '../time/window-bounds.js';
import { windowFilter } from './executors/action.js';
import { parseOrThrow } from '../validation.js';
import type { ActionServices } from './executors/action.js';
import { hybridSearch, type VectorsUnavailable } from './executors/hybrid-search.js';
import { DEFAULT_RESULT_LIMIT, writeMemory } from './executors/memory-actions.js';
import { checkJsonObject, REQUEST_LIMITS } from './request-limits.js';

/** Who reads or writes through the memory operations: never an admin scope, so isolation always holds. */
export interface MemoryScope {
  namespace: string;
  agentId: string;
}

/**
 * A memory to store, as the edges hand it over: the record's writer fields (see
 * memory-record.ts); a library caller may give `expiresAt` as a Date too.
 */
export type MemoryInput = WithDates<z.input<typeof memoryInputSchema>>;

/** A change to a stored memory: each field given replaces the stored one (tags and metadata too). */
export type MemoryUpdate = WithDates<z.input<typeof memoryUpdateSchema>>;

type WithDates<T> = { [K in keyof T]: K extends 'expiresAt' ? T[K] | Date : T[K] };

export interface MemorySearch {
  /** Full-text (and, in hybrid mode, vector) query. Omit to list (by importance, or newest first in a window). */
  query?: string;
  /** Every one of these tags must be present (lexical mode only). */
  tags?: string[];
  minImportance?: number;
  /** @default 10 */
  limit?: number;
  /** `lexical`: BM25 full text; `hybrid`: full text and vectors fused by rank. @default 'lexical' */
  mode?: 'lexical' | 'hybrid';
  /**
   * Created at or after: an ISO date or date-time, a span back from now (`24h`, `7d`, `2w`,
   * `3mo`, `1y`), or words ("yesterday", "last Monday").
   */
  since?: string;
  /** Created before: as `since` (a day in words or an ISO date counts whole: "until yesterday" ends at midnight). */
  until?: string;
  /** IANA time zone of the calendar words and ISO dates in since/until. @default the server's */
  timezone?: string;
}

export const SEARCH_MODES = ['lexical', 'hybrid'] as const;

/** What a search found, best first. */
export interface MemorySearchResult {
  memories: ScoredMemory[];
  /** Hybrid mode only, when the vectors could not be searched and the ranking is full text alone: why. */
  vectors?: VectorsUnavailable;
}

const scopeSchema = z.strictObject({ namespace: identifier, agentId: identifier });
const versionSchema = z.number().int().min(1);

const searchSchema = z.strictObject({
  query: z.string().optional(),
  tags: z.array(tag).max(REQUEST_LIMITS.maxTags).optional(),
  minImportance: z.number().min(0).max(1).optional(),
  limit: z.number().int().min(1).max(REQUEST_LIMITS.maxLimit).optional(),
  mode: z.enum(SEARCH_MODES).optional(),
  since: z.string().max(100).optional(),
  until: z.string().max(100).optional(),
  timezone: z.string().max(64).optional(),
});

export interface MemoryOperationsDependencies {
  store: MemoryStore;
  /** What the engine does after any write: invalidates the namespace's cached reads. */
  afterWrite(namespace: string): Promise<void>;
  /** For hybrid search. */
  services: ActionServices;
  now(): number;
}

/**
 * Direct memory operations (store, search, get, delete) under the same limits as
 * `execute`: the engine exposes them so HTTP, MCP and the CLI share one implementation.
 */
export class MemoryOperations {
  readonly #deps: MemoryOperationsDependencies;

  constructor(deps: MemoryOperationsDependencies) {
    this.#deps = deps;
  }

  async store(scope: MemoryScope, input: MemoryInput): Promise<StoreResult> {
    const checkedScope = parseScope(scope);
    const { content, ...rest } = parseMemoryFields(memoryInputSchema, input, 'memory');
    const fields = checkedFields(rest, this.#deps.now(), 'memory');
    const stored = await writeMemory(this.#deps.services, checkedScope, { content, ...fields });
    await this.#deps.afterWrite(checkedScope.namespace);
    return stored;
  }

  async search(scope: MemoryScope, search: MemorySearch = {}): Promise<MemorySearchResult> {
    const checkedScope = parseScope(scope);
    if (typeof search?.query === 'string' && search.query.length > REQUEST_LIMITS.maxQueryLength) {
      throw new PayloadTooLargeError(
        `search.query: ${search.query.length} characters is over the limit of ${REQUEST_LIMITS.maxQueryLength}`,
      );
    }
    const parsed = parseOrThrow(searchSchema, search, 'search');
    const limit = parsed.limit ?? DEFAULT_RESULT_LIMIT;
    const text = parsed.query?.trim() || undefined;
    const zone = parsed.timezone === undefined ? serverTimeZone() : checkedTimeZone(parsed.timezone, 'search.timezone');
    const window = windowFromBounds(parsed, this.#deps.now(), zone);
    const filters = {
      ...(parsed.minImportance !== undefined && { minImportance: parsed.minImportance }),
      ...windowFilter({ window }),
    };
    if (parsed.mode === 'hybrid') {
      if (parsed.tags !== undefined) {
        throw new ValidationError('search.tags: tag filters work in lexical mode only; drop mode or the tags');
      }
      return hybridSearch(this.#deps.services, checkedScope, text ?? '', limit, filters);
    }
    const memories = await this.#deps.store.search(checkedScope, {
      limit,
      ...(text !== undefined && { text, synonyms: this.#deps.services.lexicon.expansions(topicText(text)) }),
      ...(text === undefined && window !== undefined && { orderBy: 'recent' as const }),
      ...(parsed.tags !== undefined && { tags: parsed.tags }),
      ...filters,
    });
    return { memories };
  }

  /** Throws MemoryNotFoundError when the memory does not exist or the scope may not see it: the two look alike. */
  async get(scope: MemoryScope, id: string): Promise<Memory> {
    const checkedScope = parseScope(scope);
    const memory = await this.#deps.store.get(checkedScope, parseId(id));
    if (!memory) throw notFound(id);
    return memory;
  }

  /**
   * Changes a memory the scope's agent owns (narrowing or widening its access, retagging…);
   * anyone else gets the same MemoryNotFoundError as for a missing id.
   */
  async update(scope: MemoryScope, id: string, update: MemoryUpdate): Promise<Memory> {
    const checkedScope = parseScope(scope);
    const parsed = parseMemoryFields(memoryUpdateSchema, update, 'update');
    if (Object.values(parsed).every((value) => value === undefined)) {
      throw new ValidationError(
        `update: nothing to change; give one of ${Object.keys(memoryUpdateSchema.shape).join(', ')}`,
      );
    }
    const fields = checkedFields(parsed, this.#deps.now(), 'update');
    const updated = await this.#deps.store.update(checkedScope, parseId(id), fields);
    if (!updated) throw notFound(id);
    await this.#deps.afterWrite(checkedScope.namespace);
    return updated;
  }

  /** The kept versions of the scope's own memory; MemoryNotFoundError when it has none and is not theirs. */
  async history(scope: MemoryScope, id: string): Promise<MemoryVersion[]> {
    const checkedScope = parseScope(scope);
    const checkedId = parseId(id);
    const versions = await this.#deps.store.history(checkedScope, checkedId);
    if (versions.length > 0) return versions;
    const memory = await this.#deps.store.get(checkedScope, checkedId);
    if (memory?.agentId !== checkedScope.agentId) throw notFound(id);
    return [];
  }

  /** Brings back a kept version of the scope's own memory; MemoryNotFoundError when there is none. */
  async restore(scope: MemoryScope, id: string, version?: number): Promise<Memory> {
    const checkedScope = parseScope(scope);
    const checkedVersion = parseOrThrow(versionSchema.optional(), version, 'version');
    const restored = await this.#deps.store.restore(checkedScope, parseId(id), checkedVersion);
    if (!restored) {
      throw new MemoryNotFoundError(
        `No kept version${checkedVersion === undefined ? '' : ` ${checkedVersion}`} of memory '${id}' is yours in this namespace`,
        { details: { id, ...(checkedVersion !== undefined && { version: checkedVersion }) } },
      );
    }
    await this.#deps.afterWrite(checkedScope.namespace);
    return restored;
  }

  /** Only the owner may delete; anyone else gets the same MemoryNotFoundError as for a missing id. */
  async delete(scope: MemoryScope, id: string): Promise<void> {
    const checkedScope = parseScope(scope);
    const deleted = await this.#deps.store.delete(checkedScope, parseId(id));
    if (!deleted) throw notFound(id);
    await this.#deps.afterWrite(checkedScope.namespace);
  }
}

/** The optional fields of a store or an update, checked, without the ones not given. */
function checkedFields(parsed: z.output<typeof memoryUpdateSchema>, now: number, what: string): MemoryPatch {
  if (parsed.metadata !== undefined) checkJsonObject(parsed.metadata, `${what}.metadata`);
  const expiresAt =
    parsed.expiresAt == null ? parsed.expiresAt : futureEpoch(parsed.expiresAt, now, `${what}.expiresAt`);
  return {
    ...(parsed.tags !== undefined && { tags: parsed.tags }),
    ...(parsed.importance !== undefined && { importance: parsed.importance }),
    ...(parsed.accessLevel !== undefined && { accessLevel: parsed.accessLevel }),
    ...(parsed.sharedWith !== undefined && { sharedWith: parsed.sharedWith }),
    ...(expiresAt !== undefined && { expiresAt }),
    ...(parsed.metadata !== undefined && { metadata: parsed.metadata }),
  };
}

function parseScope(scope: MemoryScope): MemoryScope {
  // Strict and rebuilt: an `admin` flag is refused, never passed on to the store.
  const { namespace, agentId } = parseOrThrow(scopeSchema, scope, 'scope');
  return { namespace, agentId };
}

function parseId(id: unknown): string {
  return parseOrThrow(memoryId, id, 'id');
}

function notFound(id: string): MemoryNotFoundError {
  return new MemoryNotFoundError(`No memory '${id}' is visible to you in this namespace`, { details: { id } });
}
