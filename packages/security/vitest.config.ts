import { defineConfig } from 'vitest/config';

// scrypt at its production cost (~300 ms a hash) is slow on a loaded 2-core machine.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } });
