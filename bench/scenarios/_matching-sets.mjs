// Pattern sets for the matching benchmark, generated from a seeded PRNG so that every run
// measures the same triggers and queries.

/** xorshift32: small, fast and deterministic. */
function prng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const VERBS = (
  'show list get find fetch check run start stop restart deploy release rollback build test scan ' +
  'analyze summarize compare export import sync backup restore archive delete create update open ' +
  'close assign escalate approve reject notify schedule cancel pause resume count measure rotate ' +
  'renew revoke grant audit trace profile inspect validate migrate provision scale drain promote'
).split(' ');
const SYLLABLES = 'ka lo mi ser tan vo dre pel qui zor ban fel gri hun jas mor tek vin'.split(' ');
const REAL_NOUNS = (
  'invoice ticket incident alert service cluster node queue bucket report dashboard user account ' +
  'order payment refund shipment build pipeline release branch commit certificate secret token ' +
  'database table index cache session job cron metric log trace budget forecast contract lead'
).split(' ');
const FILLERS = 'please the all my our latest current for on in with about now today quickly'.split(' ');

/**
 * Intent-shaped triggers as a deployment would write them: verbs, alternations, `\s+`,
 * optional groups, `.*`, named captures, and generated product names. 70 % of the queries
 * are written to match one trigger, 30 % are word soup from the same vocabulary.
 */
export function realisticSet(size, queryCount) {
  const random = prng(0x9e3779b9);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const names = Array.from({ length: 900 }, () => pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES));
  const intent = () => {
    const [v1, v2] = [pick(VERBS), pick(VERBS)];
    const [noun, name, other] = [pick(REAL_NOUNS), pick(names), pick(names)];
    switch (Math.floor(random() * 6)) {
      case 0:
        return [String.raw`\b(?:${v1}|${v2})\s+(?:the\s+)?${name}\s+${noun}s?\b`, `${v2} the ${name} ${noun}s`];
      case 1:
        return [
          String.raw`\b${v1}\s+(?:all\s+)?${noun}s?\s+(?:for|in|on)\s+${name}\b`,
          `${v1} all ${noun}s for ${name}`,
        ];
      case 2:
        return [String.raw`\b${v1}\b.*\b${name}\b.*\b${noun}\b`, `${v1} what ${name} did with the ${noun}`];
      case 3:
        return [String.raw`^(?:please\s+)?${v1}\s+${name}(?:\s+${other})?$`, `please ${v1} ${name} ${other}`];
      case 4:
        return [
          String.raw`\b${v1}\s+${name}[-_]?(?:${noun}|${pick(REAL_NOUNS)})\s+(?<target>[\w-]+)`,
          `${v1} ${name}-${noun} ${other}`,
        ];
      default:
        return [
          String.raw`\b(?:${name}|${other})\s+(?:${noun}\s+)?(?:${v1}|${v2})(?:ed|ing)?\b`,
          `${other} ${noun} ${v2}ing`,
        ];
    }
  };
  const wordSoup = () => {
    const words = [];
    const length = 3 + Math.floor(random() * 8);
    for (let i = 0; i < length; i++) {
      words.push(pick([VERBS, REAL_NOUNS, names, FILLERS, FILLERS])[Math.floor(random() * 30)] ?? pick(FILLERS));
    }
    return words.join(' ');
  };
  const configs = [];
  const matching = [];
  for (let i = 0; i < size; i++) {
    const [trigger, query] = intent();
    configs.push({
      name: `intent_${i}`,
      pattern_type: pick(['infrastructure', 'memory', 'hybrid']),
      trigger_pattern: trigger,
      cost_tokens: 50,
      priority: 1 + Math.floor(random() * 10),
    });
    matching.push(query);
  }
  const queries = Array.from({ length: queryCount }, (_, i) => (i % 10 < 7 ? pick(matching) : wordSoup()));
  return { configs, queries };
}

const DENSE_SYLLABLES = 'ba de fi go hu ka le mo nu pa re si to vu wa xe yo za bri cla dro fle gra plu'.split(' ');

/**
 * The dense workload of issue 11: triggers drawn from a 3,000-word vocabulary in four shapes,
 * queries of 8–13 random vocabulary words, priorities 0–10. Words are one to three syllables,
 * so short words also occur inside longer ones, as in real vocabularies.
 */
export function denseSet(size, queryCount) {
  const random = prng(0x2545f491);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const vocabulary = new Set();
  while (vocabulary.size < 3000) {
    const syllables = 1 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(DENSE_SYLLABLES);
    vocabulary.add(word);
  }
  const words = [...vocabulary];
  const w = () => pick(words);
  const shapes = [
    () => String.raw`\b(${w()}|${w()})\s+(${w()}|${w()})\b`,
    () => String.raw`\b${w()}\b.*\b${w()}\b`,
    () => String.raw`\b${w()}\s+(?:the\s+)?${w()}\b`,
    () => String.raw`\b(?:${w()}|${w()}|${w()})\b\s+\w+\s+\b${w()}\b`,
  ];
  const configs = Array.from({ length: size }, (_, i) => ({
    name: `dense_${i}`,
    pattern_type: pick(['infrastructure', 'memory', 'hybrid']),
    trigger_pattern: shapes[i % shapes.length](),
    cost_tokens: 10,
    priority: Math.floor(random() * 11),
  }));
  const queries = Array.from({ length: queryCount }, () =>
    Array.from({ length: 8 + Math.floor(random() * 6) }, w).join(' '),
  );
  return { configs, queries };
}
