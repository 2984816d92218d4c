/** Shared helpers of the ops command tests: real CLIs, real servers, real SQLite files. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openChatStore } from '@chat-studio/chat-store';
import { testModelsDir, waitFor } from '@chat-studio/test-support';
import { LOCAL_USER } from '../../../packages/security/src/auth/principal.js';

const DIST = path.resolve(import.meta.dirname, '../dist/commands');

/** Environment pointing every command at files in `dir` and at a port nobody listens on unless a test says so. */
export function opsEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    DATABASE_PATH: path.join(dir, 'chat_history.db'),
    LOGS_DIR: path.join(dir, 'logs'),
    PID_FILE: path.join(dir, 'chat-studio.pid'),
    MODELS_DIR: testModelsDir(),
    LLAMA_THREADS: '1',
    CHAT_STUDIO_URL: 'http://127.0.0.1:9',
    ...extra,
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node tooling/ops/dist/commands/<name>.js` and collects its output. */
export function spawnCli(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<CliRun>; output: () => string } {
  const entry = path.join(DIST, `${name}.js`);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build @chat-studio/ops first`);
  const child = spawn(process.execPath, [entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

export function runCli(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return spawnCli(name, args, env).done;
}

/** The user every request acts as when authentication is off; seeded rows belong to it so the server sees them. */
export const USER_ID = LOCAL_USER.id;

/** Creates a migrated database with `sessions` sessions of `messages` messages each (long enough to fill pages). */
export async function seedDatabase(file: string, sessions = 4, messages = 25, words = 40): Promise<void> {
  const store = await openChatStore({ path: file });
  try {
    for (let s = 0; s < sessions; s++) {
      const session = await store.sessions.create(USER_ID, { title: `Session ${s}` });
      for (let m = 0; m < messages; m++) {
        const text = Array.from({ length: words }, (_, w) => `word${(s * 7 + m * 3 + w) % 97}`).join(' ');
        await store.messages.append(USER_ID, session.id, {
          role: m % 2 ? 'assistant' : 'user',
          content: `${m % 10 === 0 ? 'lighthouse ' : ''}${text}`,
        });
      }
    }
  } finally {
    await store.close();
  }
}

/** Every session and message row, in id order, as one comparable value. */
export function snapshot(file: string): { sessions: unknown[]; messages: unknown[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      sessions: db.prepare('SELECT * FROM chat_sessions ORDER BY id').all(),
      messages: db.prepare('SELECT * FROM chat_messages ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

export function integrityOk(file: string): boolean {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) === 'ok';
  } finally {
    db.close();
  }
}

/** Waits until /health says `ok` (model loaded). */
export async function waitHealthy(baseUrl: string): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`${baseUrl}/health`).catch(() => null);
      return res?.ok ? ((await res.json()) as { status: string }).status === 'ok' : false;
    },
    20_000,
    'health ok',
  );
}
