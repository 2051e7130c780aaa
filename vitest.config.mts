import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests never reach the network; a forgotten `.only` must not silently shrink the suite in CI.
    allowOnly: false,
    testTimeout: 20_000,
    globalSetup: ['test/setup/skipped-tools.ts'],
  },
});
