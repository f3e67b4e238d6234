import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/services.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: keep parallelism modest so timing-sensitive servers stay responsive.
    maxWorkers: 2,
  },
});
