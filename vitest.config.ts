import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Temporal dev server and PostgreSQL are shared resources: keep files from racing each other.
    fileParallelism: false,
  },
});
