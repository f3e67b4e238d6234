import { LRUCache } from 'lru-cache';
import { ConflictError, ValidationError } from '../errors.js';
import { PatternDefinition } from './definition.js';
import { PATTERN_TYPES, type PatternType } from './pattern-type.js';

/** The winning pattern for a query, with the parameters its action receives. */
export interface PatternMatch {
  readonly pattern: PatternDefinition;
  /** The pattern's static params overlaid with the trigger's named captures. */
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly matchedText: string;
  readonly index: number;
}

export interface RegistryStats {
  patterns: number;
  byType: Record<PatternType, number>;
  version: number;
  lookups: number;
  matched: number;
  matchCacheHits: number;
}

export interface RegisterOptions {
  /** Replace a registered pattern of the same name instead of refusing it. */
  replace?: boolean;
}

type TypeFilter = PatternType | readonly PatternType[] | undefined;

interface Entry {
  readonly pattern: PatternDefinition;
  /** Registration order, for the last tie-break. */
  readonly seq: number;
}

const MATCH_CACHE_SIZE = 2000;

/**
 * Holds the patterns and finds the best one for a query: highest priority first, ties to
 * the longer match, then to the earlier registration. Every change bumps `version`, which
 * the engine puts in its cache keys so no result of an older pattern set is served.
 */
export class PatternRegistry {
  #patterns = new Map<string, Entry>();
  #ordered: Entry[] = [];
  #seq = 0;
  #version = 0;
  #listeners = new Set<(version: number) => void>();
  #matchCache = new LRUCache<string, { match: PatternMatch | null }>({ max: MATCH_CACHE_SIZE });
  #counters = { lookups: 0, matched: 0, matchCacheHits: 0 };

  constructor(patterns: Iterable<PatternDefinition> = []) {
    const initial = [...patterns];
    if (initial.length > 0) this.registerBatch(initial);
  }

  /** Incremented by every change to the pattern set. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#patterns.size;
  }

  register(pattern: PatternDefinition, options: RegisterOptions = {}): void {
    this.registerBatch([pattern], options);
  }

  /** Registers all or none: a bad or conflicting pattern leaves the registry unchanged. */
  registerBatch(patterns: readonly PatternDefinition[], options: RegisterOptions = {}): void {
    const names = new Set<string>();
    for (const [i, pattern] of patterns.entries()) {
      if (!(pattern instanceof PatternDefinition)) {
        throw new ValidationError(`patterns[${i}]: expected a PatternDefinition (use PatternDefinition.fromConfig)`);
      }
      if (names.has(pattern.name)) {
        throw new ConflictError(`Pattern '${pattern.name}' appears twice in the batch`, {
          details: { name: pattern.name },
        });
      }
      names.add(pattern.name);
      if (!options.replace && this.#patterns.has(pattern.name)) {
        throw new ConflictError(
          `Pattern '${pattern.name}' is already registered; unregister it or pass { replace: true }`,
          {
            details: { name: pattern.name },
          },
        );
      }
    }
    if (patterns.length === 0) return;
    for (const pattern of patterns) {
      const previous = this.#patterns.get(pattern.name);
      // A replacement keeps its place in registration order, so tie-breaks stay stable.
      this.#patterns.set(pattern.name, { pattern, seq: previous?.seq ?? this.#seq++ });
    }
    this.#changed();
  }

  /** Atomically swaps the whole pattern set (used by file reloads). */
  replaceAll(patterns: readonly PatternDefinition[]): void {
    const previous = this.#patterns;
    this.#patterns = new Map();
    try {
      this.registerBatch(patterns);
    } catch (error) {
      this.#patterns = previous;
      throw error;
    }
    if (patterns.length === 0) this.#changed();
  }

  unregister(name: string): boolean {
    const removed = this.#patterns.delete(name);
    if (removed) this.#changed();
    return removed;
  }

  get(name: string): PatternDefinition | undefined {
    return this.#patterns.get(name)?.pattern;
  }

  has(name: string): boolean {
    return this.#patterns.has(name);
  }

  /** Patterns in match order (priority, then registration), optionally of some types only. */
  list(typeFilter?: TypeFilter): PatternDefinition[] {
    const allowed = toTypeSet(typeFilter);
    return this.#ordered.filter((e) => allowed.has(e.pattern.patternType)).map((e) => e.pattern);
  }

  /** The seed's API: the best matching pattern, or null. */
  findMatchingPattern(query: string, typeFilter?: TypeFilter): PatternDefinition | null {
    return this.match(query, typeFilter)?.pattern ?? null;
  }

  /** The best match with its parameters, or null. */
  match(query: string, typeFilter?: TypeFilter): PatternMatch | null {
    this.#counters.lookups++;
    const allowed = toTypeSet(typeFilter);
    const key = `${[...allowed].join(',')}\u0000${query}`;
    const cached = this.#matchCache.get(key);
    if (cached) {
      this.#counters.matchCacheHits++;
      if (cached.match) this.#counters.matched++;
      return cached.match;
    }
    const match = this.#scan(query, allowed);
    this.#matchCache.set(key, { match });
    if (match) this.#counters.matched++;
    return match;
  }

  onChange(listener: (version: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): RegistryStats {
    const byType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, 0])) as Record<PatternType, number>;
    for (const { pattern } of this.#patterns.values()) byType[pattern.patternType]++;
    return { patterns: this.#patterns.size, byType, version: this.#version, ...this.#counters };
  }

  #scan(query: string, allowed: ReadonlySet<PatternType>): PatternMatch | null {
    let best: { entry: Entry; found: NonNullable<ReturnType<PatternDefinition['trigger']['exec']>> } | null = null;
    for (const entry of this.#ordered) {
      if (best && entry.pattern.priority < best.entry.pattern.priority) break;
      if (!allowed.has(entry.pattern.patternType)) continue;
      const found = entry.pattern.trigger.exec(query);
      if (found && (!best || found.text.length > best.found.text.length)) best = { entry, found };
    }
    if (!best) return null;
    const { pattern } = best.entry;
    return {
      pattern,
      params: { ...pattern.params, ...best.found.params },
      matchedText: best.found.text,
      index: best.found.index,
    };
  }

  #changed(): void {
    this.#ordered = [...this.#patterns.values()].sort(
      (a, b) => b.pattern.priority - a.pattern.priority || a.seq - b.seq,
    );
    this.#version++;
    this.#matchCache.clear();
    for (const listener of this.#listeners) listener(this.#version);
  }
}

function toTypeSet(filter: TypeFilter): ReadonlySet<PatternType> {
  if (filter === undefined) return new Set(PATTERN_TYPES);
  const types = typeof filter === 'string' ? [filter] : filter;
  for (const type of types) {
    if (!PATTERN_TYPES.includes(type)) {
      throw new ValidationError(
        `typeFilter: unknown pattern type '${String(type)}'; expected ${PATTERN_TYPES.join(', ')}`,
      );
    }
  }
  return new Set(types);
}
