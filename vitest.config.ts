import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // PGlite instances are memory-hungry WebAssembly; two workers match the two cores here.
    pool: 'forks',
    maxWorkers: 2,
    // Generous: tests that start servers, CLIs or a browser take 10-40 s alone and several times that on a
    // loaded 2-core machine; a timeout is not an assertion, and a hung test still fails.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    env: { TZ: 'UTC' },
    globalSetup: ['./test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
