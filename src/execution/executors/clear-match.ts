/**
 * @module execution/executors/clear-match
 * Which memory a forget or a change by subject means, if one clearly: the rule that keeps a
 * vague command from deleting or rewriting the wrong memory.
 *
 *   coverage(m) = share of the subject's topic words found in m's content or tags (stemmed);
 *                 a word found only as a lexicon synonym ("release" for "deploy") counts half
 *   clear match = the best candidate, when coverage(best) ≥ 0.6 and
 *                 coverage(best) − coverage(second) ≥ 0.25 (or there is no second)
 *
 * Candidates are every memory the agent may see that full text finds, so another agent's team
 * memory that fits better than the agent's own blocks a wrong deletion instead of being
 * skipped. A clear match that is not the agent's own is refused by the caller.
 */
import type { Lexicon } from '../../lexicon/lexicon.js';
import type { Memory } from '../../memory/store.js';
import { stem, topicWords, words } from '../../text.js';

/** Share of the subject's words the best candidate must hold. */
export const MIN_COVERAGE = 0.6;
/** Lead the best candidate must have over the second. */
export const MIN_MARGIN = 0.25;
/** A synonym is weaker evidence than the word itself: it widens the candidates more than it picks one. */
const SYNONYM_WEIGHT = 0.5;

export interface TargetCandidate {
  memory: Memory;
  /** 0–1, see the module's rule. */
  coverage: number;
}

export interface TargetChoice {
  /** The memory the subject clearly names, if one does. */
  target: Memory | undefined;
  /** The candidates, best first (ties keep the search's order). */
  candidates: TargetCandidate[];
}

/** Applies the clear-match rule to the memories a search found for `subject`. */
export function chooseTarget(subject: string, memories: readonly Memory[], lexicon: Lexicon): TargetChoice {
  const subjectWords = topicWords(subject);
  const candidates = memories
    .map((memory) => ({ memory, coverage: coverage(subjectWords, memory, lexicon) }))
    .filter((c) => c.coverage > 0)
    .sort((a, b) => b.coverage - a.coverage);
  const [best, second] = candidates;
  const clear =
    best !== undefined &&
    best.coverage >= MIN_COVERAGE &&
    (second === undefined || best.coverage - second.coverage >= MIN_MARGIN);
  return { target: clear ? best.memory : undefined, candidates };
}

function coverage(subjectWords: readonly string[], memory: Memory, lexicon: Lexicon): number {
  if (subjectWords.length === 0) return 0;
  const present = new Set([...words(memory.content), ...memory.tags.flatMap(words)].map(stem));
  const holds = (phrase: string) => words(phrase).every((w) => present.has(stem(w)));
  let found = 0;
  for (const word of subjectWords) {
    if (holds(word)) found += 1;
    else if (lexicon.expansions(word).some(holds)) found += SYNONYM_WEIGHT;
  }
  return Math.round((found / subjectWords.length) * 1000) / 1000;
}
