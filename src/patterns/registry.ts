import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ConflictError, PayloadTooLargeError, ValidationError } from '../errors.js';
import { PATTERN_LIMITS, PatternDefinition } from './definition.js';
import { PatternMatcher, type MatchExplanation, type MatcherEntry, type PatternMatch } from './matcher.js';
import { PATTERN_TYPES, type PatternType } from './pattern-type.js';

export type { CandidateReport, MatchExplanation, PatternMatch, WinReason } from './matcher.js';

export interface RegistryStats {
  patterns: number;
  byType: Record<PatternType, number>;
  version: number;
  lookups: number;
  matched: number;
  matchCacheHits: number;
  /**
   * Distinct word conditions in the index, patterns with none (tried on every query), and
   * triggers compiled so far (each compiles on the first query it is a candidate for).
   */
  index: { literals: number; alwaysChecked: number; compiled: number };
}

export interface RegistryOptions {
  /**
   * Queries whose best match is remembered until the pattern set changes; 0 turns the
   * cache off (benchmarks measure the matcher itself that way). @default 2000
   */
  matchCacheSize?: number;
}

export interface RegisterOptions {
  /** Replace a registered pattern of the same name instead of refusing it. */
  replace?: boolean;
}

export interface ReplaceAllOptions {
  /** Registered patterns to carry over into the new set (keeping their registration order). */
  keep?: (pattern: PatternDefinition) => boolean;
}

type TypeFilter = PatternType | readonly PatternType[] | undefined;

const DEFAULT_MATCH_CACHE_SIZE = 2000;

/**
 * Holds the patterns and finds the best one for a query: highest priority first, ties to
 * the longer match, then to the earlier registration. A literal index (see matcher.ts)
 * narrows each query to a few candidates and is updated in place by every change. Every
 * change bumps `version` and changes `fingerprint`, which the engine puts in its cache keys
 * so no result of another pattern set is served, by this process or by another sharing the cache.
 */
export class PatternRegistry {
  #patterns = new Map<string, MatcherEntry>();
  readonly #matcher = new PatternMatcher();
  /** Match order, sorted on the first listing after a change. */
  #ordered: MatcherEntry[] | undefined;
  #seq = 0;
  #version = 0;
  #fingerprint: string | undefined;
  /** Each definition's config digest, computed once: the fingerprint hashes these. */
  readonly #digests = new WeakMap<PatternDefinition, string>();
  #matchCache: LRUCache<string, { match: PatternMatch | null }> | undefined;
  #counters = { lookups: 0, matched: 0, matchCacheHits: 0 };

  constructor(patterns: Iterable<PatternDefinition> = [], options: RegistryOptions = {}) {
    const cacheSize = options.matchCacheSize ?? DEFAULT_MATCH_CACHE_SIZE;
    if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) {
      throw new ValidationError(`matchCacheSize: expected a whole number >= 0, got ${String(cacheSize)}`);
    }
    if (cacheSize > 0) this.#matchCache = new LRUCache({ max: cacheSize });
    const initial = [...patterns];
    if (initial.length > 0) this.registerBatch(initial);
  }

  /** Incremented by every change to the pattern set (counts this process's changes only). */
  get version(): number {
    return this.#version;
  }

  /**
   * A digest of the pattern set in match order: equal in every process that holds the same
   * set, so instances sharing a cache never mix results of different sets.
   */
  get fingerprint(): string {
    if (this.#fingerprint === undefined) {
      const hash = createHash('sha256');
      for (const { pattern } of this.#matchOrder()) hash.update(this.#digest(pattern));
      this.#fingerprint = hash.digest('base64url').slice(0, 22);
    }
    return this.#fingerprint;
  }

  get size(): number {
    return this.#patterns.size;
  }

  register(pattern: PatternDefinition, options: RegisterOptions = {}): void {
    this.registerBatch([pattern], options);
  }

  /** Registers all or none: a bad or conflicting pattern leaves the registry unchanged. */
  registerBatch(patterns: readonly PatternDefinition[], options: RegisterOptions = {}): void {
    this.#checkBatch(patterns, options);
    if (patterns.length === 0) return;
    const added: MatcherEntry[] = [];
    for (const pattern of patterns) {
      const previous = this.#patterns.get(pattern.name);
      if (previous) this.#matcher.remove(previous);
      // A replacement keeps its place in registration order, so tie-breaks stay stable.
      const entry = { pattern, seq: previous?.seq ?? this.#seq++ };
      this.#patterns.set(pattern.name, entry);
      added.push(entry);
    }
    this.#matcher.add(added);
    this.#changed();
  }

  /**
   * Everything that can fail happens here, before the set changes: a pattern is never
   * registered half-way. Its digest (which the fingerprint needs on the next cached
   * execution) is computed now, so a definition that cannot be serialized is refused
   * rather than breaking every later request.
   */
  #checkBatch(patterns: readonly PatternDefinition[], options: RegisterOptions): void {
    const names = new Set<string>();
    for (const [i, pattern] of patterns.entries()) {
      if (!(pattern instanceof PatternDefinition)) {
        throw new ValidationError(`patterns[${i}]: expected a PatternDefinition (use PatternDefinition.fromConfig)`);
      }
      this.#digest(pattern);
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
  }

  /**
   * Atomically swaps the pattern set (used by file reloads): on any error the old set stays.
   * Patterns selected by `keep` stay registered beside the new ones; one version bump in all.
   */
  replaceAll(patterns: readonly PatternDefinition[], options: ReplaceAllOptions = {}): void {
    const previous = this.#patterns;
    const kept = new Map([...previous].filter(([, entry]) => options.keep?.(entry.pattern) === true));
    const clash = patterns.find((p) => kept.has(p.name));
    if (clash) {
      throw new ConflictError(
        `Pattern '${clash.name}' is already registered and kept; it cannot also come from the new set`,
        {
          details: { name: clash.name },
        },
      );
    }
    this.#checkBatch(patterns, { replace: true });
    // Names present before keep their registration order, so an unchanged reload changes no tie-break.
    const next = new Map(kept);
    for (const pattern of patterns) {
      const before = previous.get(pattern.name);
      next.set(pattern.name, before?.pattern === pattern ? before : { pattern, seq: before?.seq ?? this.#seq++ });
    }
    for (const [name, entry] of previous) if (next.get(name) !== entry) this.#matcher.remove(entry);
    this.#matcher.add([...next.values()].filter((entry) => previous.get(entry.pattern.name) !== entry));
    this.#patterns = next;
    this.#changed();
  }

  unregister(name: string): boolean {
    const entry = this.#patterns.get(name);
    if (entry === undefined) return false;
    this.#patterns.delete(name);
    this.#matcher.remove(entry);
    this.#changed();
    return true;
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
    return this.#matchOrder()
      .filter((e) => allowed.has(e.pattern.patternType))
      .map((e) => e.pattern);
  }

  /** The seed's API: the best matching pattern, or null. */
  findMatchingPattern(query: string, typeFilter?: TypeFilter): PatternDefinition | null {
    return this.match(query, typeFilter)?.pattern ?? null;
  }

  /**
   * The best match with its parameters, or null. Throws PayloadTooLargeError for a query
   * over PATTERN_LIMITS.maxQueryLength characters.
   */
  match(query: string, typeFilter?: TypeFilter): PatternMatch | null {
    checkQuery(query);
    this.#counters.lookups++;
    const allowed = toTypeSet(typeFilter);
    const key = `${[...allowed].join(',')}\u0000${query}`;
    const cached = this.#matchCache?.get(key);
    if (cached) {
      this.#counters.matchCacheHits++;
      if (cached.match) this.#counters.matched++;
      return cached.match;
    }
    const match = this.#matcher.match(query, allowed);
    this.#matchCache?.set(key, { match });
    if (match) this.#counters.matched++;
    return match;
  }

  /** How `match` decides for a query: every candidate tried, its outcome, and why the winner won. */
  explain(query: string, typeFilter?: TypeFilter): MatchExplanation & { version: number; types: PatternType[] } {
    checkQuery(query);
    const allowed = toTypeSet(typeFilter);
    return { ...this.#matcher.explain(query, allowed), version: this.#version, types: [...allowed] };
  }

  stats(): RegistryStats {
    const byType = Object.fromEntries(PATTERN_TYPES.map((t) => [t, 0])) as Record<PatternType, number>;
    let compiled = 0;
    for (const { pattern } of this.#patterns.values()) {
      byType[pattern.patternType]++;
      if (pattern.trigger.compiled) compiled++;
    }
    return {
      patterns: this.#patterns.size,
      byType,
      version: this.#version,
      ...this.#counters,
      index: { ...this.#matcher.indexStats, compiled },
    };
  }

  #matchOrder(): MatcherEntry[] {
    this.#ordered ??= [...this.#patterns.values()].sort(
      (a, b) => b.pattern.priority - a.pattern.priority || a.seq - b.seq,
    );
    return this.#ordered;
  }

  #digest(pattern: PatternDefinition): string {
    let digest = this.#digests.get(pattern);
    if (digest === undefined) {
      digest = createHash('sha256').update(JSON.stringify(pattern.toConfig())).digest('base64url');
      this.#digests.set(pattern, digest);
    }
    return digest;
  }

  #changed(): void {
    this.#ordered = undefined;
    this.#fingerprint = undefined;
    this.#version++;
    this.#matchCache?.clear();
  }
}

function checkQuery(query: unknown): asserts query is string {
  if (typeof query !== 'string') throw new ValidationError(`query: expected a string, got ${typeof query}`);
  if (query.length > PATTERN_LIMITS.maxQueryLength) {
    throw new PayloadTooLargeError(
      `query: ${query.length} characters is over the limit of ${PATTERN_LIMITS.maxQueryLength}`,
    );
  }
}

const ALL_TYPES: ReadonlySet<PatternType> = new Set(PATTERN_TYPES);

function toTypeSet(filter: TypeFilter): ReadonlySet<PatternType> {
  if (filter === undefined) return ALL_TYPES;
  if (typeof filter !== 'string' && !Array.isArray(filter)) {
    throw new ValidationError(`typeFilter: expected a pattern type or a list of them, got ${typeof filter}`);
  }
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
