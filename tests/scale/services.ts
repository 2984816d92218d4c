/** Test helpers for the scale tests: the throwaway PostgreSQL and Redis from .ci/services, and real API processes. */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  createScratchDatabase as createDatabase,
  REPO_ROOT,
  startApiServer,
  tempDir,
  type ScratchDatabase,
} from '@chat-studio/test-support';

export { REPO_ROOT, type ScratchDatabase };

/**
 * The API entry the tests start: the built server, as `pnpm start` runs it. SCALE_API_ENTRY points at another build
 * (e.g. a branch's) without editing the tests.
 */
export const API_ENTRY = path.resolve(REPO_ROOT, process.env.SCALE_API_ENTRY ?? 'apps/api/dist/server.js');

/**
 * Rate-limit key prefix for this test file's API processes. Vitest loads this module once per file, so every file
 * counts in its own keys: requests another suite made from 127.0.0.1 to the same Redis can't push it over a limit.
 */
export const redisKeyPrefix = `chat-studio-test:${randomUUID()}:`;

export interface ScaleServices {
  databaseAdminUrl: string;
  redisUrl: string;
}

/**
 * DATABASE_URL_TEST and REDIS_URL_TEST (set by `eval "$(.ci/services)"`), or `undefined` to skip locally.
 * Under CI=true missing services are an error: a broken CI setup must not pass by skipping.
 */
export function scaleServices(): ScaleServices | undefined {
  const databaseAdminUrl = process.env.DATABASE_URL_TEST?.trim();
  const redisUrl = process.env.REDIS_URL_TEST?.trim();
  if (databaseAdminUrl && redisUrl) return { databaseAdminUrl, redisUrl };
  const why = 'DATABASE_URL_TEST and REDIS_URL_TEST must both be set (eval "$(.ci/services)" starts both)';
  if (process.env.CI === 'true') throw new Error(`Scale tests must run in CI: ${why}`);
  console.warn(`Skipping scale tests: ${why}`);
  return undefined;
}

/** A new, empty database with a random name on the test server at `adminUrl`. */
export function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  return createDatabase({ adminUrl, prefix: 'chat_scale' });
}

export interface ApiProcess {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node apps/api/dist/server.js` (API_ENTRY) with `env` on a free port and waits for `/health`. */
export async function startApi(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ApiProcess> {
  // Its own folder for the SQLite default, pid file and logs, so two processes never share those.
  const tmp = tempDir('chat-scale-');
  const { dir } = tmp;
  try {
    const server = await startApiServer(
      {
        DATABASE_PATH: path.join(dir, 'unused.db'),
        PID_FILE: path.join(dir, 'api.pid'),
        LOGS_DIR: path.join(dir, 'logs'),
        WEB_DIST: path.join(dir, 'no-web'),
        MODELS_DIR: path.join(dir, 'no-models'),
        ...env,
      },
      { entry: API_ENTRY, timeoutMs },
    );
    const stop = async () => {
      await server.stop();
      tmp.cleanup();
    };
    return { baseUrl: server.baseUrl, child: server.child, output: server.output, stop };
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
}
