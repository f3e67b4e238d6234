/**
 * FTS5's Porter stemmer (sqlite3.c, fts5PorterCb), ported rule for rule so the in-process index
 * stems exactly as the `porter` tokenizer does. Written by hand because the stemmers on npm
 * follow Porter's paper, and FTS5 differs in details that change terms: it works on UTF-8
 * bytes (a non-ASCII byte is a consonant), leaves tokens under 3 or over 64 bytes alone,
 * counts "y" as a vowel anywhere after the first letter in (*v*), and stops at the first
 * suffix that matches in each step. test/memory/fts5-tokens.test.ts compares it with FTS5.
 */

const MAX_TOKEN_BYTES = 64;

type Condition = (word: string, stemLength: number) => boolean;
type Rule = readonly [suffix: string, replacement: string, condition: Condition];

function isVowel(code: number, yIsVowel: boolean): boolean {
  return code === 97 || code === 101 || code === 105 || code === 111 || code === 117 || (yIsVowel && code === 121);
}

/** The index just past the first vowel-consonant sequence in word[from, to), or 0 if none. */
function gobbleVC(word: string, from: number, to: number, previousIsConsonant: boolean): number {
  let consonant = previousIsConsonant;
  let i = from;
  for (; i < to; i++) {
    consonant = !isVowel(word.charCodeAt(i), consonant);
    if (!consonant) break;
  }
  for (i++; i < to; i++) {
    consonant = !isVowel(word.charCodeAt(i), consonant);
    if (consonant) return i + 1;
  }
  return 0;
}

const mGt0: Condition = (w, n) => gobbleVC(w, 0, n, false) !== 0;
const mGt1: Condition = (w, n) => {
  const k = gobbleVC(w, 0, n, false);
  return k !== 0 && gobbleVC(w, k, n, true) !== 0;
};
const mEq1: Condition = (w, n) => {
  const k = gobbleVC(w, 0, n, false);
  return k !== 0 && gobbleVC(w, k, n, true) === 0;
};
/** (*o): ends consonant-vowel-consonant, the last not w, x or y. */
const endsCvc: Condition = (w, n) => {
  const last = w.charCodeAt(n - 1);
  if (last === 119 || last === 120 || last === 121) return false;
  let mask = 0;
  let consonant = false;
  for (let i = 0; i < n; i++) {
    consonant = !isVowel(w.charCodeAt(i), consonant);
    mask = ((mask << 1) | (consonant ? 1 : 0)) & 7;
  }
  return mask === 5;
};
/** (*v*): the stem holds a vowel ("y" counts after the first letter). */
const hasVowel: Condition = (w, n) => {
  for (let i = 0; i < n; i++) if (isVowel(w.charCodeAt(i), i > 0)) return true;
  return false;
};
const mGt1AndSOrT: Condition = (w, n) => {
  const last = w.charCodeAt(n - 1);
  return (last === 115 || last === 116) && mGt1(w, n);
};
const always: Condition = () => true;

const STEP_1B = byPenultimate([
  ['eed', 'ee', mGt0],
  ['ed', '', hasVowel],
  ['ing', '', hasVowel],
]);
const STEP_1B2 = byPenultimate([
  ['at', 'ate', always],
  ['bl', 'ble', always],
  ['iz', 'ize', always],
]);
const STEP_2 = byPenultimate(
  (
    [
      ['ational', 'ate'],
      ['tional', 'tion'],
      ['enci', 'ence'],
      ['anci', 'ance'],
      ['izer', 'ize'],
      ['logi', 'log'],
      ['bli', 'ble'],
      ['alli', 'al'],
      ['entli', 'ent'],
      ['eli', 'e'],
      ['ousli', 'ous'],
      ['ization', 'ize'],
      ['ation', 'ate'],
      ['ator', 'ate'],
      ['alism', 'al'],
      ['iveness', 'ive'],
      ['fulness', 'ful'],
      ['ousness', 'ous'],
      ['aliti', 'al'],
      ['iviti', 'ive'],
      ['biliti', 'ble'],
    ] as const
  ).map(([suffix, replacement]) => [suffix, replacement, mGt0] as const),
);
const STEP_3 = byPenultimate(
  (
    [
      ['ical', 'ic'],
      ['ness', ''],
      ['icate', 'ic'],
      ['iciti', 'ic'],
      ['ful', ''],
      ['ative', ''],
      ['alize', 'al'],
    ] as const
  ).map(([suffix, replacement]) => [suffix, replacement, mGt0] as const),
);
const STEP_4 = byPenultimate([
  ...['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent'].map(
    (suffix) => [suffix, '', mGt1] as const,
  ),
  ['ion', '', mGt1AndSOrT],
  ...['ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'].map((suffix) => [suffix, '', mGt1] as const),
]);

type RulesByPenultimate = ReadonlyMap<number, readonly Rule[]>;

/** Rules grouped by their suffix's last-but-one letter, as FTS5's generated switch does. */
function byPenultimate(rules: readonly Rule[]): RulesByPenultimate {
  const map = new Map<number, Rule[]>();
  for (const rule of rules) {
    const key = rule[0].charCodeAt(rule[0].length - 2);
    map.set(key, [...(map.get(key) ?? []), rule]);
  }
  return map;
}

/**
 * Applies the first rule whose suffix ends the word and is shorter than it (FTS5 tries no
 * other once one matches, whether or not its condition holds). Returns the word, changed or
 * not, and the suffix of the rule applied, if one was.
 */
function step(word: string, rulesByPenultimate: RulesByPenultimate): [string, string | null] {
  const rules = rulesByPenultimate.get(word.charCodeAt(word.length - 2));
  if (rules === undefined) return [word, null];
  for (const [suffix, replacement, condition] of rules) {
    if (word.length > suffix.length && word.endsWith(suffix)) {
      const stem = word.length - suffix.length;
      return condition(word, stem) ? [word.slice(0, stem) + replacement, suffix] : [word, null];
    }
  }
  return [word, null];
}

/** Stems one folded token given as a byte string (each char one UTF-8 byte; ASCII as is). */
export function porterStem(token: string): string {
  if (token.length > MAX_TOKEN_BYTES || token.length < 3) return token;
  let w = token;
  // Step 1a.
  if (w.endsWith('s')) {
    if (w[w.length - 2] === 'e') {
      const n = w.length;
      w =
        (n > 4 && w[n - 4] === 's' && w[n - 3] === 's') || (n > 3 && w[n - 3] === 'i')
          ? w.slice(0, -2)
          : w.slice(0, -1);
    } else if (w[w.length - 2] !== 's') {
      w = w.slice(0, -1);
    }
  }
  // Step 1b: only "ed" and "ing" go on to the clean-up (the eed rule reports no change).
  let applied: string | null;
  [w, applied] = step(w, STEP_1B);
  if (applied === 'ed' || applied === 'ing') {
    [w, applied] = step(w, STEP_1B2);
    if (applied === null) {
      const n = w.length;
      const c = w.charCodeAt(n - 1);
      if (!isVowel(c, false) && c !== 108 && c !== 115 && c !== 122 && c === w.charCodeAt(n - 2)) {
        w = w.slice(0, -1);
      } else if (mEq1(w, n) && endsCvc(w, n)) {
        w += 'e';
      }
    }
  }
  // Step 1c.
  if (w.endsWith('y') && hasVowel(w, w.length - 1)) w = `${w.slice(0, -1)}i`;
  w = step(w, STEP_2)[0];
  w = step(w, STEP_3)[0];
  w = step(w, STEP_4)[0];
  // Step 5a.
  if (w.endsWith('e')) {
    const n = w.length - 1;
    if (mGt1(w, n) || (mEq1(w, n) && !endsCvc(w, n))) w = w.slice(0, -1);
  }
  // Step 5b.
  if (w.length > 1 && w.endsWith('ll') && mGt1(w, w.length - 1)) w = w.slice(0, -1);
  return w;
}
