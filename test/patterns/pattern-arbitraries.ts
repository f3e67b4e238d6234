import fc from 'fast-check';
import { PatternDefinition, type PatternMatch, type PatternRegistry } from '../../src/index.js';

/**
 * Random triggers and queries over a small vocabulary, so that triggers overlap, share
 * literals, nest them ("store" in "restore", "tag" in "tagged") and often match.
 */
const WORDS = ['store', 'restore', 'tag', 'tagged', 'stat', 'stats', 'check', 'health', 'db', 'find', 'kit', 'sum'];
const SEPARATORS = [' ', '  ', '-', ': ', '\t', ', ', ' é ', ''];

const casing = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(''));

/** A word as a trigger fragment: plain, mis-cased, or with a class or escape standing in for a letter. */
const triggerWord = fc.constantFrom(...WORDS).chain((word) =>
  fc.oneof(
    casing(word),
    fc.constant(word.replace(/s/, '[sz]')),
    fc.constant(word.replace(/t/, '\\x74')),
    fc.constant(`${word}s?`),
    fc.constant(word.replace(/k/, '[k-m]')),
    // RE2 matches K (Kelvin sign) to k and ſ (long s) to s: inside a trigger word they are letters.
    fc.constant(word.replace(/k/, '\u212A').replace(/s/, 'ſ')),
    fc.constant(word.replace(/^(.)/, '$1\\B')),
  ),
);

const atom: fc.Arbitrary<string> = fc.letrec<{ piece: string }>((tie) => ({
  piece: fc.oneof(
    { weight: 6, arbitrary: triggerWord },
    {
      weight: 2,
      arbitrary: fc.constantFrom('\\s+', '\\s*', ' ', '.*', '.+?', '\\w+', '\\d+', '[^x]', '\\b', 'é', '-', ':'),
    },
    // Boundaries and the characters RE2 folds to ASCII letters (ſ ~ s, K ~ k), which are not boundaries.
    { weight: 1, arbitrary: fc.constantFrom('\\B', '\\W', '[^\\w]', '[\\s,]+', '$', '^', 'ſ', '\u212A', '[ſ]') },
    {
      weight: 2,
      arbitrary: fc
        .array(tie('piece'), { minLength: 2, maxLength: 3 })
        .chain((alts) => fc.constantFrom(`(?:${alts.join('|')})`, `(${alts.join('|')})`)),
    },
    { weight: 1, arbitrary: tie('piece').map((p) => `(?:${p}\\s+)?`) },
    { weight: 1, arbitrary: tie('piece').map((p) => `(?:${p})+`) },
    { weight: 1, arbitrary: tie('piece').map((p) => `(?:${p}){1,2}`) },
  ),
})).piece;

export const triggerSource = fc
  .tuple(fc.boolean(), fc.array(atom, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([start, parts, end]) => `${start ? '^' : ''}${parts.join('\\s+')}${end ? '$' : ''}`);

export interface GeneratedPattern {
  trigger: string;
  priority: number;
  type: 'infrastructure' | 'memory' | 'hybrid';
  /** Whether to wrap the first word in a named group with a declared rule. */
  declared: 'none' | 'enum' | 'short';
}

export const generatedPattern: fc.Arbitrary<GeneratedPattern> = fc.record({
  trigger: triggerSource,
  priority: fc.integer({ min: 1, max: 3 }),
  type: fc.constantFrom('infrastructure', 'memory', 'hybrid'),
  declared: fc.constantFrom('none', 'none', 'enum', 'short'),
});

/** Builds definitions; a declared parameter captures `(?<word>\w+)` in front of the trigger. */
export function toDefinitions(generated: readonly GeneratedPattern[]): PatternDefinition[] {
  return generated.map((g, i) => {
    const named = g.declared === 'none' ? '' : String.raw`(?<word>\w+)\s+`;
    return PatternDefinition.fromConfig({
      name: `p${i}`,
      pattern_type: g.type,
      trigger_pattern: `${named}${g.trigger}`,
      cost_tokens: 1,
      priority: g.priority,
      ...(g.declared === 'enum' && { parameters: { word: { enum: WORDS.slice(0, 6) } } }),
      ...(g.declared === 'short' && { parameters: { word: { max: 4 } } }),
    });
  });
}

/** Queries made of the same words, separators, case changes and characters RE2 folds to ASCII (ſ, K). */
export const query = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...WORDS),
        fc.constantFrom('restored', 'kits', 'x', '42', 'héalth', 'ſtats', '\u212Ait', 'st\ud800ore'),
      ),
      fc.constantFrom(...SEPARATORS),
    ),
    { minLength: 0, maxLength: 7 },
  )
  .chain((parts) => casing(parts.map(([w, s]) => w + s).join('')));

/** The specification: try every pattern in match order, exactly as a plain loop would. */
export function referenceMatch(registry: PatternRegistry, text: string): PatternMatch | null {
  let best: PatternMatch | null = null;
  for (const pattern of registry.list()) {
    if (best && pattern.priority < best.pattern.priority) break;
    const found = pattern.trigger.exec(text);
    if (!found) continue;
    const check = pattern.resolveParams(found.params);
    if (!check.ok) continue;
    if (!best || found.text.length > best.matchedText.length) {
      best = { pattern, params: check.params, matchedText: found.text, index: found.index };
    }
  }
  return best;
}

/** A small vocabulary whose words nest inside each other, for dense sets where every query hits some trigger. */
const DENSE_WORDS = ['ab', 'abc', 'cab', 'ca', 'b_c', 'x1', 'the', 'store', 'restore', 'stores'];
const denseWord = fc.constantFrom(...DENSE_WORDS);

/** The four shapes of the dense benchmark, plus a sequence alternation. */
export const denseTrigger: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(denseWord, denseWord, denseWord, denseWord).map(([a, b, c, d]) => String.raw`\b(${a}|${b})\s+(${c}|${d})\b`),
  fc.tuple(denseWord, denseWord).map(([a, b]) => String.raw`\b${a}\b.*\b${b}\b`),
  fc.tuple(denseWord, denseWord).map(([a, b]) => String.raw`\b${a}\s+(?:the\s+)?${b}\b`),
  fc
    .tuple(denseWord, denseWord, denseWord, denseWord)
    .map(([a, b, c, d]) => String.raw`\b(?:${a}|${b}|${c})\b\s+\w+\s+\b${d}\b`),
  fc.tuple(denseWord, denseWord, denseWord, denseWord).map(([a, b, c, d]) => String.raw`(?:${a}\s+${b}|${c}-${d})s?`),
);

export const densePattern: fc.Arbitrary<GeneratedPattern> = fc.record({
  trigger: denseTrigger,
  priority: fc.integer({ min: 0, max: 3 }),
  type: fc.constantFrom('infrastructure', 'memory', 'hybrid'),
  declared: fc.constant('none'),
});

/** Queries of vocabulary words with separators, case changes and characters that fold into ASCII words. */
export const denseQuery = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 8, arbitrary: denseWord },
        { weight: 1, arbitrary: fc.constantFrom('ſtore', 'c\u212Ab', 'İab', 'abé') },
      ),
      fc.constantFrom(' ', ' ', '  ', '-', ', ', ' the ', '_', ''),
    ),
    { minLength: 1, maxLength: 13 },
  )
  .chain((parts) => casing(parts.map(([w, s]) => w + s).join('')));

/**
 * The specification of a word condition (literal-requirement.ts), written independently of the
 * index: fold the query, split it into words, and look for the condition's word in its position.
 * Where a character folds into an ASCII word (İ, ſ, K), position is not trusted: anywhere will do.
 */
export function conditionHolds(condition: string, query: string): boolean {
  const anywhere = /[\u0130\u017f\u212a]/.test(query);
  const words =
    query
      .toLowerCase()
      .replaceAll('\u017f', 's')
      .match(/[a-z0-9_]+/g) ?? [];
  const open = condition.startsWith('*');
  const close = condition.endsWith('*');
  const word = condition.slice(open ? 1 : 0, close ? -1 : undefined);
  return words.some((w) => {
    if (anywhere || (open && close)) return w.includes(word);
    if (open) return w.endsWith(word);
    return close ? w.startsWith(word) : w === word;
  });
}
