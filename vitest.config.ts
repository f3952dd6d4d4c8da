import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    // The first run on a machine builds the Temporal CLI with Go (minutes); later runs use the cache.
    hookTimeout: 900_000,
    // Temporal dev servers and worker processes are heavy on a 2-core machine: one file at a time.
    fileParallelism: false,
  },
});
