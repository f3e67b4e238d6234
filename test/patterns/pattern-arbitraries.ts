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
const triggerWord = fc
  .constantFrom(...WORDS)
  .chain((word) =>
    fc.oneof(
      casing(word),
      fc.constant(word.replace(/s/, '[sz]')),
      fc.constant(word.replace(/t/, '\\x74')),
      fc.constant(`${word}s?`),
      fc.constant(word.replace(/k/, '[k-m]')),
    ),
  );

const atom: fc.Arbitrary<string> = fc.letrec<{ piece: string }>((tie) => ({
  piece: fc.oneof(
    { weight: 6, arbitrary: triggerWord },
    { weight: 2, arbitrary: fc.constantFrom('\\s+', '\\s*', ' ', '.*', '.+?', '\\w+', '\\d+', '[^x]', '\\b', 'é') },
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
