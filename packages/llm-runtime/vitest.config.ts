import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Model tests share 2 cores; running files in parallel only makes each slower.
    fileParallelism: false,
    testTimeout: 30_000,
    // Hooks start servers that wait up to 90 s for the model (test-support's default startApiServer timeout).
    hookTimeout: 120_000,
  },
});
