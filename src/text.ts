/** Words of a text: lowercased runs of letters and digits (so "auth-service" is "auth", "service"). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Words that carry no topic in an agent's command ("recall all memories about X"):
 * dropped before searching so that they neither narrow nor skew the ranking.
 */
const FILLER = new Set(
  (
    'a an and are as at be by for from in into is it its of on or the this that these those to with ' +
    'about all any every me my our some what which who whose ' +
    'memory memories item items note notes entry entries thing things stuff everything ' +
    'please show get find list recall retrieve fetch search look up related similar'
  ).split(' '),
);

/** The topic words of a query, in order, without duplicates or filler. */
export function topicWords(text: string): string[] {
  return [...new Set(words(text).filter((w) => !FILLER.has(w)))];
}

/** Canonical form used in cache keys: trimmed, single-spaced, lowercased. */
export function normalizeQuery(query: string): string {
  return query.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Strips the commonest English inflections, so "patterns" and "pattern" compare equal. */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
