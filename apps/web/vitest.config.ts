/**
 * Vitest config: DOM-free model and library tests under src/, and end-to-end tests under tests/e2e/ that drive
 * Debian's Chromium against the built app served by the real API. Files run one at a time because each e2e file
 * owns a browser and server processes, and the machine has two cores; the unit files take a few seconds anyway.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/e2e/**/*.test.ts'],
    fileParallelism: false,
    // Real model generation and browser launches take seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default: on a loaded 2-core CI machine a reload, a page of messages or a
    // deferred focus can take longer. A passing poll returns at once, so only a failing one waits this long.
    expect: { poll: { timeout: 15_000 } },
  },
});
