/**
 * The real API server on the test model with LOG_LEVEL=debug, in a temp dir of its own, for the model tests that read
 * what the model was given back from the debug log (attachments, attachment turns, the debug log itself).
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';

/** What {@link useDebugModelServer} gives a test file; `server` and `api` work once `beforeAll` has run. */
export interface DebugModelServer {
  /** The store file the server writes (`DATABASE_PATH`). */
  databasePath: string;
  /** `LOGS_DIR`: `debug.log` and `backend.log` are written here. */
  logsDir: string;
  readonly server: ApiServer;
  /** `fetch` of a path on the server. */
  api: (p: string, init?: RequestInit) => Promise<Response>;
}

/**
 * Registers `beforeAll`/`afterAll` in the calling `describe`: starts the server (with `env` laid over the defaults)
 * and waits for the model, then stops it and removes the temp dir.
 */
export function useDebugModelServer(env: NodeJS.ProcessEnv = {}): DebugModelServer {
  const tmp = tempDir();
  const logsDir = path.join(tmp.dir, 'logs');
  const databasePath = path.join(tmp.dir, 'chat_history.db');
  let server: ApiServer | undefined;
  const started = () => {
    if (!server) throw new Error('the model server is used before beforeAll started it');
    return server;
  };
  beforeAll(async () => {
    server = await startApiServer(
      {
        DATABASE_PATH: databasePath,
        MODELS_DIR: testModelsDir(),
        LOGS_DIR: logsDir,
        LOG_LEVEL: 'debug',
        ...env,
      },
      // Generous: a loaded 2-core CI machine may take far longer than the default 30 s to listen.
      { timeoutMs: 120_000 },
    );
    await waitForModelReady(server.baseUrl, { timeoutMs: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });
  return {
    databasePath,
    logsDir,
    get server() {
      return started();
    },
    api: (p, init) => fetch(`${started().baseUrl}${p}`, init),
  };
}
