import { defineConfig } from 'vitest/config';

// Real servers, the real model and scrypt run here; a loaded 2-core CI machine needs headroom.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
