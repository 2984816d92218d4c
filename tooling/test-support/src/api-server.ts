/** Real Chat Studio API server processes for tests: `node apps/api/dist/server.js` on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { REPO_ROOT } from './repo-root.js';

/** The built server entry, the same file `pnpm start` runs; the root `pnpm test` builds it first. */
export const API_SERVER_ENTRY = path.join(REPO_ROOT, 'apps/api/dist/server.js');

export class ApiServerStartError extends Error {
  override name = 'ApiServerStartError';
}

export interface StartApiServerOptions {
  /** The server script. Defaults to `API_SERVER_ENTRY`. */
  entry?: string;
  /** The port to listen on, e.g. to start again where a killed process was. Defaults to a free port. */
  port?: number;
  /** The environment the test defaults and `env` are laid over. Defaults to `process.env`. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Also wait until `/health` says the model is `ready` (it answers while the model still loads). Defaults to false. */
  waitForModel?: boolean;
  /**
   * How long to wait. Defaults to 90 s: on a loaded 2-core CI machine (every package's tests at once) loading the
   * test model took over 30 s; a server that is ready returns at once, so only a failing start waits this long.
   */
  timeoutMs?: number;
}

export interface ApiServer {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Sends `signal` (defaults to SIGTERM) unless the process has ended, and resolves with its exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Spawns the API server and resolves once `/health` says it serves (200, or 503 `degraded` while no model is
 * loaded: the database works) (and, with `waitForModel`, reports the model
 * ready). Test defaults under `env`: HOST 127.0.0.1, the port, LLAMA_THREADS=1, RATE_LIMIT_CHAT=1000/minute (tests
 * chat more than the guide's 5/minute; rate-limit tests set their own) and LOGS_DIR in the OS temp folder.
 * A process that exits early or is not ready in time is killed and `ApiServerStartError` carries its output.
 *
 * @example
 * const server = await startApiServer({ DATABASE_PATH: path.join(tmp.dir, 'chat.db'), MODELS_DIR: testModelsDir() });
 * afterAll(() => server.stop());
 * const res = await fetch(`${server.baseUrl}/api/chat/sessions`);
 */
export async function startApiServer(
  env: NodeJS.ProcessEnv = {},
  options: StartApiServerOptions = {},
): Promise<ApiServer> {
  const { entry = API_SERVER_ENTRY, baseEnv = process.env, waitForModel = false, timeoutMs = 90_000 } = options;
  if (!existsSync(entry)) throw new ApiServerStartError(`${entry} is missing: build the API first (pnpm build)`);
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [entry], {
    env: {
      ...baseEnv,
      HOST: '127.0.0.1',
      PORT: String(port),
      LLAMA_THREADS: '1',
      RATE_LIMIT_CHAT: '1000/minute',
      LOGS_DIR: path.join(os.tmpdir(), 'chat-studio-test-logs'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (data) => (out += data));
  child.stderr!.on('data', (data) => (out += data));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!ended()) child.kill(signal);
    return exited;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ended()) throw new ApiServerStartError(`server exited early (${child.exitCode ?? child.signalCode}):\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      const health = (await res.json()) as { status?: string; model?: { state?: string; reason?: string | null } };
      // 503 `degraded` while no model is loaded is a running server whose database works.
      const serving = res.status === 200 || (res.status === 503 && health.status === 'degraded');
      if (serving && (!waitForModel || health.model?.state === 'ready')) break;
      if (waitForModel && health.model?.state === 'error') {
        await stop('SIGKILL');
        throw new ApiServerStartError(`server could not load its model (${health.model.reason}):\n${out}`);
      }
    } catch (err) {
      if (err instanceof ApiServerStartError) throw err;
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new ApiServerStartError(
        `server not ready (/health${waitForModel ? ' and model' : ''}) in ${timeoutMs} ms:\n${out}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, port, baseUrl, output: () => out, stop };
}
