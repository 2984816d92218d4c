import { defineConfig } from 'vitest/config';

// Every file here starts real servers, nginx, shells or npm; on a loaded 2-core CI machine a test
// without its own timeout must not fail at vitest's 5 s default (the guide's short tests did, under load, here).
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
