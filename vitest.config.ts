import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The browser and CLI tests start processes; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
