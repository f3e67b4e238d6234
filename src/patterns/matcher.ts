import type { PatternDefinition } from './definition.js';
import { LiteralIndex } from './literal-index.js';
import type { PatternType } from './pattern-type.js';
import type { TriggerMatch } from './trigger.js';

type ParamValue = string | number | boolean;

/** The winning pattern for a query, with the parameters its action receives. */
export interface PatternMatch {
  readonly pattern: PatternDefinition;
  /** The pattern's static params overlaid with the trigger's named captures, checked and converted. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly matchedText: string;
  readonly index: number;
}

export interface MatcherEntry {
  readonly pattern: PatternDefinition;
  /** Registration order, for the last tie-break. */
  readonly seq: number;
}

export type CandidateOutcome = 'matched' | 'no-match' | 'params-rejected' | 'type-filtered';
export type WinReason = 'only-match' | 'priority' | 'longer-match' | 'registration-order';

/** One pattern the matcher tried for a query, and what happened. */
export interface CandidateReport {
  name: string;
  type: PatternType;
  priority: number;
  registrationOrder: number;
  /** `index`: selected by literals found in the query; `always-checked`: has no usable literal. */
  via: 'index' | 'always-checked';
  /** The pattern's indexed clauses (each: any one of these literals must occur). */
  requiredLiterals: string[][];
  outcome: CandidateOutcome;
  matchedText?: string;
  index?: number;
  params?: Record<string, ParamValue>;
  paramErrors?: string[];
}

export interface MatchExplanation {
  query: string;
  patterns: number;
  /** Literals of the index that occur in the (lowercased) query. */
  foundLiterals: string[];
  candidates: CandidateReport[];
  winner: { name: string; reason: WinReason; detail: string } | null;
  match: PatternMatch | null;
}

interface Found {
  readonly slot: number;
  readonly entry: MatcherEntry;
  readonly found: TriggerMatch;
  readonly params: Record<string, ParamValue>;
}

/**
 * Finds the best pattern for a query with the literal index: the candidates are verified on
 * RE2 in match order (priority, then registration), stopping below the first match's priority,
 * so the result is exactly that of trying every pattern in that order.
 */
export class PatternMatcher {
  readonly #entries: readonly MatcherEntry[];
  readonly #index: LiteralIndex;

  /** `entries` in match order: priority descending, then registration order. */
  constructor(entries: readonly MatcherEntry[]) {
    this.#entries = entries;
    this.#index = new LiteralIndex(entries.map((e) => e.pattern.trigger.analysis.requirement));
  }

  get indexStats(): { literals: number; alwaysChecked: number } {
    return { literals: this.#index.literalCount, alwaysChecked: this.#index.alwaysChecked.length };
  }

  match(query: string, allowed: ReadonlySet<PatternType>): PatternMatch | null {
    let best: Found | null = null;
    let utf8: Buffer | undefined;
    for (const slot of this.#index.candidates(query)) {
      const entry = this.#entries[slot]!;
      const { pattern } = entry;
      if (best && pattern.priority < best.entry.pattern.priority) break;
      if (!allowed.has(pattern.patternType)) continue;
      // Encoded once for all candidates; exec() (several times dearer) only runs on a hit.
      utf8 ??= Buffer.from(query);
      if (!pattern.trigger.testUtf8(utf8)) continue;
      const found = pattern.trigger.exec(query);
      // A match no longer than the best cannot win the tie, whatever its parameters.
      if (!found || (best && found.text.length <= best.found.text.length)) continue;
      const check = pattern.resolveParams(found.params);
      if (check.ok) best = { slot, entry, found, params: check.params };
    }
    return best && toMatch(best);
  }

  /** Tries every candidate (without stopping early) and says why the winner won. */
  explain(query: string, allowed: ReadonlySet<PatternType>): MatchExplanation {
    const foundLiterals = new Set<string>();
    const slots = this.#index.candidates(query, foundLiterals);
    const always = new Set(this.#index.alwaysChecked);
    const candidates: CandidateReport[] = [];
    const matches: Found[] = [];
    for (const slot of slots) {
      const entry = this.#entries[slot]!;
      const report = this.#report(slot, always.has(slot));
      candidates.push(report);
      if (!allowed.has(entry.pattern.patternType)) continue;
      const found = entry.pattern.trigger.exec(query);
      if (!found) {
        report.outcome = 'no-match';
        continue;
      }
      const check = entry.pattern.resolveParams(found.params);
      Object.assign(report, { matchedText: found.text, index: found.index, params: check.params });
      if (!check.ok) {
        report.outcome = 'params-rejected';
        report.paramErrors = check.errors;
        continue;
      }
      report.outcome = 'matched';
      matches.push({ slot, entry, found, params: check.params });
    }
    const ranked = matches.sort(compareFound);
    const [first, second] = ranked;
    return {
      query,
      patterns: this.#entries.length,
      foundLiterals: [...foundLiterals].sort(),
      candidates,
      winner: first ? { name: first.entry.pattern.name, ...whyWon(first, second) } : null,
      match: first ? toMatch(first) : null,
    };
  }

  #report(slot: number, alwaysChecked: boolean): CandidateReport {
    const { pattern, seq } = this.#entries[slot]!;
    return {
      name: pattern.name,
      type: pattern.patternType,
      priority: pattern.priority,
      registrationOrder: seq,
      via: alwaysChecked ? 'always-checked' : 'index',
      requiredLiterals: this.#index.clausesOf(slot).map((c) => [...c]),
      outcome: 'type-filtered',
    };
  }
}

/** Match order: higher priority, then longer match, then earlier registration (= lower slot). */
function compareFound(a: Found, b: Found): number {
  return (
    b.entry.pattern.priority - a.entry.pattern.priority || b.found.text.length - a.found.text.length || a.slot - b.slot
  );
}

function whyWon(winner: Found, runnerUp: Found | undefined): { reason: WinReason; detail: string } {
  if (!runnerUp) return { reason: 'only-match', detail: 'the only candidate that matched' };
  const other = `'${runnerUp.entry.pattern.name}'`;
  const [w, r] = [winner.entry.pattern.priority, runnerUp.entry.pattern.priority];
  if (w > r) return { reason: 'priority', detail: `priority ${w} is above ${r} (${other})` };
  const [lw, lr] = [winner.found.text.length, runnerUp.found.text.length];
  if (lw > lr) {
    return {
      reason: 'longer-match',
      detail: `same priority as ${other}, longer match (${lw} > ${lr} characters)`,
    };
  }
  return {
    reason: 'registration-order',
    detail: `same priority and match length as ${other}, registered earlier`,
  };
}

function toMatch(best: Found): PatternMatch {
  return {
    pattern: best.entry.pattern,
    params: best.params,
    matchedText: best.found.text,
    index: best.found.index,
  };
}
