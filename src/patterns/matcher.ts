import type { PatternDefinition } from './definition.js';
import { LiteralIndex } from './literal-index.js';
import { describeRequirement } from './literal-requirement.js';
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
  /**
   * What the query must contain for this pattern to be tried: every OR-group (inner list) needs
   * one of its terms; a term joins word conditions with `&` (`check`: the whole word, `store*`:
   * a word beginning, `*ize`: a word ending, `*tag*`: inside a word). The filing group comes first.
   */
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
  /** Word conditions of the index that the (lowercased) query satisfies. */
  foundLiterals: string[];
  candidates: CandidateReport[];
  winner: { name: string; reason: WinReason; detail: string } | null;
  match: PatternMatch | null;
}

interface Found {
  readonly entry: MatcherEntry;
  readonly found: TriggerMatch;
  readonly params: Record<string, ParamValue>;
}

/**
 * Finds the best pattern for a query with the literal index: the candidates are verified on
 * re2js in match order (priority, then registration), stopping below the first match's
 * priority, so the result is exactly that of trying every pattern in that order. Patterns are
 * added and removed one by one; nothing is rebuilt.
 */
export class PatternMatcher {
  readonly #index = new LiteralIndex<MatcherEntry>();
  #count = 0;

  get indexStats(): { literals: number; alwaysChecked: number } {
    return { literals: this.#index.conditionCount, alwaysChecked: this.#index.alwaysCheckedCount };
  }

  add(entries: readonly MatcherEntry[]): void {
    this.#index.addAll(entries.map((entry) => [entry, entry.pattern.trigger.analysis.requirement] as const));
    this.#count += entries.length;
  }

  remove(entry: MatcherEntry): void {
    if (this.#index.remove(entry)) this.#count--;
  }

  match(query: string, allowed: ReadonlySet<PatternType>): PatternMatch | null {
    let best: Found | null = null;
    for (const entry of this.#index.candidates(query).sort(compareEntries)) {
      const { pattern } = entry;
      if (best && pattern.priority < best.entry.pattern.priority) break;
      if (!allowed.has(pattern.patternType)) continue;
      // test() runs on the DFA; exec(), several times dearer, only on a hit.
      if (!pattern.trigger.test(query)) continue;
      const found = pattern.trigger.exec(query);
      // A match no longer than the best cannot win the tie, whatever its parameters.
      if (!found || (best && found.text.length <= best.found.text.length)) continue;
      const check = pattern.resolveParams(found.params);
      if (check.ok) best = { entry, found, params: check.params };
    }
    return best && toMatch(best);
  }

  /** Tries every candidate (without stopping early) and says why the winner won. */
  explain(query: string, allowed: ReadonlySet<PatternType>): MatchExplanation {
    const foundLiterals = new Set<string>();
    const entries = this.#index.candidates(query, foundLiterals).sort(compareEntries);
    const candidates: CandidateReport[] = [];
    const matches: Found[] = [];
    for (const entry of entries) {
      const report = this.#report(entry);
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
      matches.push({ entry, found, params: check.params });
    }
    const ranked = matches.sort(compareFound);
    const [first, second] = ranked;
    return {
      query,
      patterns: this.#count,
      foundLiterals: [...foundLiterals].sort(),
      candidates,
      winner: first ? { name: first.entry.pattern.name, ...whyWon(first, second) } : null,
      match: first ? toMatch(first) : null,
    };
  }

  #report(entry: MatcherEntry): CandidateReport {
    const { pattern, seq } = entry;
    return {
      name: pattern.name,
      type: pattern.patternType,
      priority: pattern.priority,
      registrationOrder: seq,
      via: this.#index.isAlwaysChecked(entry) ? 'always-checked' : 'index',
      requiredLiterals: describeRequirement(this.#index.requirementOf(entry)),
      outcome: 'type-filtered',
    };
  }
}

/** Match order: higher priority first, then earlier registration. */
function compareEntries(a: MatcherEntry, b: MatcherEntry): number {
  return b.pattern.priority - a.pattern.priority || a.seq - b.seq;
}

/** Winner order: higher priority, then longer match, then earlier registration. */
function compareFound(a: Found, b: Found): number {
  return (
    b.entry.pattern.priority - a.entry.pattern.priority ||
    b.found.text.length - a.found.text.length ||
    a.entry.seq - b.entry.seq
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
