import { defineConfig } from 'vitest/config';

// Two cores: at most two test files at once; servers in tests bind port 0.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
