// A deterministic synthetic memory corpus for the store benchmarks: topical words at
// realistic frequencies inside filler vocabulary, a few tags, spread importance.
const TOPICS = [
  'security',
  'performance',
  'database',
  'caching',
  'pooling',
  'latency',
  'deploy',
  'auth',
  'index',
  'query',
];
const TAGS = ['security', 'performance', 'database', 'ops', 'auth', 'release', 'infra', 'api'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tus', 'bar', 'qen', 'dor', 'vil', 'sa', 'tor', 'pen', 'lux', 'mar', 'nit'];

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * `spreadDays`: creation times spread evenly over that many days up to now, oldest first (as
 * memories accumulate); without it, one second apart from 1 January 2026.
 */
export function corpus(count, { namespace, agentId = 'bench-agent', seed = 42, spreadDays } = {}) {
  const step = spreadDays === undefined ? 1000 : (spreadDays * 86_400_000) / count;
  const start = spreadDays === undefined ? Date.parse('2026-01-01T00:00:00Z') : Date.now() - spreadDays * 86_400_000;
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const vocabulary = Array.from({ length: 3000 }, () => pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES));
  const memories = new Array(count);
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 8 + Math.floor(random() * 12) }, () =>
      random() < 0.12 ? pick(TOPICS) : pick(vocabulary),
    );
    memories[i] = {
      namespace,
      agentId,
      content: `${words.join(' ')} #${i}`,
      tags: [pick(TAGS), pick(TAGS)],
      importance: Math.round(random() * 100) / 100,
      accessLevel: 'team',
      createdAt: Math.round(start + i * step),
    };
  }
  return memories;
}
