import RE2 from 're2';
import { UnsafePatternError, ValidationError } from '../errors.js';
import { analyzeTrigger, type TriggerAnalysis } from './trigger-analysis.js';

/** What a trigger found in a query: the matched text, where, and its named captures. */
export interface TriggerMatch {
  readonly text: string;
  readonly index: number;
  /** Named capture groups that took part in the match, trimmed. */
  readonly params: Readonly<Record<string, string>>;
}

export interface CompiledTrigger {
  /** The literals a match requires (for the literal index) and the named groups. */
  readonly analysis: TriggerAnalysis;
  test(query: string): boolean;
  /** test() on the query's UTF-8 bytes: the RE2 binding converts a string on every call, a Buffer never. */
  testUtf8(query: Buffer): boolean;
  exec(query: string): TriggerMatch | null;
}

/**
 * Constructs that RE2 refuses because they need a backtracking engine. Named here so the
 * error tells the author what to change instead of echoing RE2's terse message.
 */
const BACKTRACKING_ONLY: ReadonlyArray<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookahead/lookbehind assertions'],
  [/\\[1-9]|\\k</, 'backreferences'],
];

/**
 * Compiles a regex on RE2 (case-insensitive), turning its refusals into errors that say what
 * to change: UnsafePatternError for constructs that need backtracking, ValidationError otherwise.
 */
export function compileRe2(source: string, field: string): RE2 {
  try {
    return new RE2(source, 'i');
  } catch (error) {
    const refused = BACKTRACKING_ONLY.find(([probe]) => probe.test(source));
    if (refused) {
      throw new UnsafePatternError(
        `${field}: ${refused[1]} are not supported, because they need a backtracking regex engine that a hostile trigger could stall; rewrite it without them`,
        { cause: error, details: { field, feature: refused[1] } },
      );
    }
    throw new ValidationError(`${field}: invalid regular expression: ${(error as Error).message}`, {
      cause: error,
      details: { field },
    });
  }
}

/**
 * Compiles a trigger on RE2, a linear-time engine: matching time grows with the query's
 * length only, so no trigger (`(a+)+$` included) can stall the process. Triggers are
 * always case-insensitive.
 */
export function compileTrigger(source: string, field = 'trigger'): CompiledTrigger {
  const regex = compileRe2(source, field);
  return {
    analysis: analyzeTrigger(source),
    test: (query) => regex.test(query),
    testUtf8: (query) => regex.test(query),
    exec: (query) => {
      const found = regex.exec(query);
      if (found === null) return null;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(found.groups ?? {})) {
        if (typeof value === 'string' && value.trim() !== '') params[name] = value.trim();
      }
      return { text: found[0], index: found.index, params };
    },
  };
}
