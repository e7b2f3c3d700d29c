import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the built `dist/cli/bin.js`; this rebuilds it when `src/` changed.
    globalSetup: ['test/support/build-cli.ts'],
    // The machine has two cores; forks isolate native modules (better-sqlite3) and signals.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
