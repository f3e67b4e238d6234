import { RE2JS } from 're2js';
import { checkProgramSize, checkRegex, checkRepeatCountsBySyntax, refusal, type CheckedRegex } from './regex-syntax.js';
import { analyzePattern, type TriggerAnalysis } from './trigger-analysis.js';

/** What a trigger found in a query: the matched text, where, and its named captures. */
export interface TriggerMatch {
  readonly text: string;
  readonly index: number;
  /** Named capture groups that took part in the match, trimmed. */
  readonly params: Readonly<Record<string, string>>;
}

export interface CompiledTrigger {
  /** The word conditions a match requires (for the literal index) and the named groups. */
  readonly analysis: TriggerAnalysis;
  /** Whether the regex has been compiled yet: triggers compile on their first use. */
  readonly compiled: boolean;
  test(query: string): boolean;
  exec(query: string): TriggerMatch | null;
}

/**
 * Checks and compiles a regex on re2js now (case-insensitive): for parameter patterns, and for
 * triggers whose syntax the checks cannot certify. Throws UnsafePatternError for constructs
 * that need backtracking, ValidationError for anything else RE2 refuses or a limit exceeded.
 */
export function compileRegex(source: string, field: string, checked = checkRegex(source, field)): RE2JS {
  if (checked.ast === null) checkRepeatCountsBySyntax(source, field);
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(toRe2Syntax(source), RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    throw refusal(source, field, error);
  }
  checkProgramSize(regex.programSize(), field);
  return regex;
}

/**
 * Prepares a trigger on re2js, a linear-time engine: matching time grows with the query's
 * length only, so no trigger (`(a+)+$` included) can stall the process, and being pure
 * JavaScript it is safe in any worker thread. The checks run now; compiling waits for the
 * first query the literal index sends to this trigger, so registering thousands is fast.
 * Triggers are always case-insensitive.
 */
export function compileTrigger(source: string, field = 'trigger'): CompiledTrigger {
  const checked = checkRegex(source, field);
  if (checked.certified) return new Re2Trigger(source, analysisOf(checked), undefined);
  const regex = compileRegex(source, field, checked);
  return new Re2Trigger(source, analysisOf(checked, regex), regex);
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

class Re2Trigger implements CompiledTrigger {
  readonly analysis: TriggerAnalysis;
  readonly #source: string;
  #regex: RE2JS | undefined;

  constructor(source: string, analysis: TriggerAnalysis, regex: RE2JS | undefined) {
    this.#source = source;
    this.analysis = analysis;
    this.#regex = regex;
  }

  get compiled(): boolean {
    return this.#regex !== undefined;
  }

  test(query: string): boolean {
    return this.#compiled().test(query);
  }

  exec(query: string): TriggerMatch | null {
    if (this.analysis.captureNames.length === 0) {
      // Without named groups only the match's bounds are needed: a plain find, several times cheaper than exec.
      const matcher = this.#compiled().matcher(query);
      return matcher.find() ? { text: matcher.group()!, index: matcher.start(), params: NO_PARAMS } : null;
    }
    const found = this.#compiled().exec(query);
    if (found === null) return null;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries((found as RegExpExecArray).groups ?? {})) {
      if (typeof value === 'string' && value.trim() !== '') params[name] = value.trim();
    }
    return { text: found[0] as string, index: (found as RegExpExecArray).index, params };
  }

  /** Certified sources are accepted by RE2 by construction (a property test holds checkRegex to it). */
  #compiled(): RE2JS {
    this.#regex ??= compileRegex(this.#source, 'trigger_pattern');
    return this.#regex;
  }
}

function analysisOf(checked: CheckedRegex, regex?: RE2JS): TriggerAnalysis {
  if (checked.ast !== null) return analyzePattern(checked.ast);
  // Syntax only RE2 reads: nothing is known of the literals; the compiled regex knows its groups.
  const groups = Object.entries(regex?.namedGroups() ?? {}).sort(([, a], [, b]) => a - b);
  return { requirement: [], captureNames: groups.map(([name]) => name) };
}

/**
 * ECMAScript escapes that RE2 spells differently, `\uHHHH` and `\cX`, rewritten as `\x{…}`
 * (the previous engine, node-re2, read them the same way). An escaped backslash is skipped whole.
 */
function toRe2Syntax(source: string): string {
  if (!/\\[uc]/.test(source)) return source;
  return source.replace(/\\(?:u([0-9a-fA-F]{4})|c([A-Za-z])|[\s\S])/g, (escape, hex?: string, control?: string) => {
    if (hex !== undefined) return `\\x{${hex}}`;
    if (control !== undefined) return `\\x{${(control.charCodeAt(0) % 32).toString(16)}}`;
    return escape;
  });
}
