/** Test helpers for the scale tests: the throwaway PostgreSQL and Redis from .ci/services, and real API processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The API entry the tests start: the built server, as `pnpm start` runs it. SCALE_API_ENTRY points at another build
 * (e.g. a branch's) without editing the tests.
 */
export const API_ENTRY = path.resolve(REPO_ROOT, process.env.SCALE_API_ENTRY ?? 'apps/api/dist/server.js');

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

// pg is the chat store's own driver; the tests borrow it from there rather than depending on it twice.
const requireFromStore = createRequire(path.join(REPO_ROOT, 'packages/chat-store/package.json'));
const pg = requireFromStore('pg') as typeof import('pg');

async function admin(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database with a random name on the test server. */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `chat_scale_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ApiProcess {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node apps/api/dist/server.js` with `env` on a free port and waits for `/health`. */
export async function startApi(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ApiProcess> {
  if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: build the API first (pnpm build)`);
  const port = await freePort();
  // Its own folder for the SQLite default, pid file and logs, so two processes never share those.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-scale-'));
  const child = spawn(process.execPath, [API_ENTRY], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: path.join(dir, 'unused.db'),
      PID_FILE: path.join(dir, 'api.pid'),
      LOGS_DIR: path.join(dir, 'logs'),
      WEB_DIST: path.join(dir, 'no-web'),
      MODELS_DIR: path.join(dir, 'no-models'),
      LLAMA_THREADS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`API exited with ${child.exitCode} before answering:\n${out}`);
    }
    try {
      if ((await fetch(`${baseUrl}/health`)).status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`API did not answer /health within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseUrl, child, output: () => out, stop };
}
