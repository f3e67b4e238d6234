import { defineConfig } from 'vitest/config';

/**
 * Suites that bound how long a request may take (a Redis pause, slow clients): they run after
 * the others, one file at a time, so the rest of the suite (browsers, the sentence encoder)
 * does not share the two cores with them and the bounds measure the service, not the neighbours.
 */
const TIMED = ['test/integration/fault-injection.test.ts', 'test/security/slow-clients.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/setup/services.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: keep parallelism modest so servers under test stay responsive.
    maxWorkers: 2,
    // The cheap lexical embedder unless a test asks for another: the sentence encoder costs
    // ~1 s and ~200 MB per process, so its tests are grouped in a few files (test/embeddings/).
    env: { TMWS_EMBEDDER: 'hashing' },
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: TIMED } },
      { extends: true, test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
