import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['../db/src/testing/global-setup.ts'],
    // The stream tests wait on a real server, PostgreSQL notifications and reconnects: give a busy machine time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
