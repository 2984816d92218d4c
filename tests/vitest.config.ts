import { defineConfig } from 'vitest/config';

// Every file here starts real servers, nginx, shells or npm; on a loaded 2-core CI machine a test
// without its own timeout must not fail at vitest's 5 s default (the guide's short tests did, under load, here).
// Hooks start servers that wait up to 90 s for the model (test-support's default startApiServer timeout).
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
