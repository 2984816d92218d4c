import { defineConfig } from 'vitest/config';

// Real servers, the real model and scrypt run here; a loaded 2-core CI machine needs headroom.
// Hooks start servers that wait up to 90 s for the model (test-support's default). expect.poll gives up after
// 1 s by default; a passing poll returns at once, so only a failing one waits 15 s.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 120_000, expect: { poll: { timeout: 15_000 } } },
});
