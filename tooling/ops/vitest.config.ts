import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Hooks start servers that wait up to 90 s for the model (test-support's default startApiServer timeout).
    hookTimeout: 120_000,
    // Tests spawn real servers and CLIs; running files one at a time keeps the 2-core machine responsive.
    fileParallelism: false,
  },
});
