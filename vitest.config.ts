import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/services.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: keep parallelism modest so timing-sensitive servers stay responsive.
    maxWorkers: 2,
    // The cheap lexical embedder unless a test asks for another: the sentence encoder costs
    // ~1 s and ~200 MB per process, so its tests are grouped in a few files (test/embeddings/).
    env: { TMWS_EMBEDDER: 'hashing' },
  },
});
