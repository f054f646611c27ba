import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['../db/src/testing/global-setup.ts'],
    // CLI and multi-process tests start several Node processes each; on a busy 2-core machine that takes a while.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
