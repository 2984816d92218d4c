/**
 * `pnpm test:unit`: the tests under each package's src/ that need no model, database server or browser — logic,
 * schemas, SQLite in temporary files, the Hono app in process. Seconds, not minutes; run it while you work and the
 * full `pnpm test` before you push (see CONTRIBUTING.md).
 */
import { defineConfig } from 'vitest/config';

/** Tests under src/ that start servers or child processes, or need Redis: they belong to the full suite. */
const NEEDS_MORE = [
  'src/server.test.ts',
  'src/cli/*.test.ts',
  'src/errors/database-unavailable.test.ts',
  'src/shared-state/redis-*.test.ts',
  'src/sqlite/store/multi-process.test.ts',
  'src/postgres/postgres-store.test.ts',
];

const WORKSPACES = [
  'packages/protocol',
  'packages/security',
  'packages/chat-store',
  'packages/llm-runtime',
  'apps/api',
  'apps/web',
  'tooling/ops',
];

export default defineConfig({
  test: {
    projects: WORKSPACES.map((root) => ({
      test: {
        name: root,
        root,
        environment: 'node',
        include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
        exclude: NEEDS_MORE,
        testTimeout: 30_000,
      },
    })),
  },
});
