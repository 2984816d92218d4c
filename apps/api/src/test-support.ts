/** Helpers shared by the API's tests: temp folders, a real store, the test model's folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { loadConfig, REPO_ROOT, type AppConfig } from './config/index.js';

/** A fresh temp folder, removed by the returned `cleanup`. */
export function tempDir(prefix = 'chat-studio-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Folder holding stories260K.gguf: TEST_MODELS_DIR, else `../shared/models` beside the checkout. */
export function testModelsDir(): string {
  return process.env.TEST_MODELS_DIR ?? path.resolve(REPO_ROOT, '../shared/models');
}

/** A real SQLite store in a temp folder plus a config pointing at it. */
export async function openTestStore(overrides: NodeJS.ProcessEnv = {}): Promise<{
  store: ChatStore;
  config: AppConfig;
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const { dir, cleanup } = tempDir();
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'chat_history.db'), WEB_DIST: path.join(dir, 'no-web'), ...overrides });
  const store = await openChatStore({ path: config.databasePath });
  return {
    store,
    config,
    dir,
    cleanup: async () => {
      await store.close();
      cleanup();
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The built server entry, the same file `pnpm start` runs. */
export const SERVER_ENTRY = path.resolve(import.meta.dirname, '../dist/server.js');

export interface RunningServer {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `node dist/server.js` as a real process and waits until `/health` answers. */
export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    // Tests send more chats a minute than the guide's 5/minute default; rate-limit tests set their own.
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LLAMA_THREADS: '1', RATE_LIMIT_CHAT: '1000/minute', LOGS_DIR: path.join(os.tmpdir(), 'chat-studio-test-logs'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /health in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    baseUrl,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
