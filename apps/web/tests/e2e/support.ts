/** End-to-end helpers: a real API server process serving the built app, Debian's Chromium, fast message seeding. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ChatMessage } from '@chat-studio/protocol';
import {
  API_SERVER_ENTRY,
  REPO_ROOT,
  startApiServer,
  tempDir,
  testModelsDir,
  type ApiServer,
} from '@chat-studio/test-support';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** The users CLI of the built API. */
export const USERS_CLI = path.join(REPO_ROOT, 'apps/api/dist/cli/users.js');
/** The built web app the server serves at `/`. */
export const WEB_DIST = path.join(REPO_ROOT, 'apps/web/dist');
/** Debian's Chromium; CHROMIUM_PATH overrides it. Never downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = process.env.SCREENSHOTS === '1';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs/screenshots');

/** Fails early with a useful message when something the suite needs was not built or installed. */
export function assertPrerequisites(): void {
  const missing: string[] = [];
  if (!existsSync(API_SERVER_ENTRY)) missing.push(`${API_SERVER_ENTRY} (run pnpm build)`);
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) missing.push(`${WEB_DIST}/index.html (run pnpm build)`);
  if (!existsSync(CHROMIUM_PATH)) missing.push(`${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  if (!existsSync(path.join(testModelsDir(), 'stories260K.gguf')))
    missing.push(`${testModelsDir()}/stories260K.gguf (set TEST_MODELS_DIR)`);
  if (missing.length) throw new Error(`end-to-end tests need:\n  ${missing.join('\n  ')}`);
}

export interface RunningServer extends ApiServer {
  databasePath: string;
}

/**
 * Starts the built API server (see `startApiServer`) serving the built app, with its own database in `dir` and the
 * test model folder, and, unless `waitForModel` is false, waits until /health says the model is ready.
 */
export async function startServer(
  dir: string,
  env: NodeJS.ProcessEnv = {},
  { waitForModel = true, timeoutMs = 90_000 }: { waitForModel?: boolean; timeoutMs?: number } = {},
): Promise<RunningServer> {
  const databasePath = env.DATABASE_PATH ?? path.join(dir, 'chat_history.db');
  const server = await startApiServer(
    // One server serves a whole file's tests, each loading the app (search settings, unsent uploads, models, …)
    // and calling the API besides: more than one person's 300 requests a minute (RATE_LIMIT_API's default).
    { DATABASE_PATH: databasePath, MODELS_DIR: testModelsDir(), WEB_DIST, RATE_LIMIT_API: '10000/minute', ...env },
    { waitForModel, timeoutMs },
  );
  return { ...server, databasePath };
}

/** Launches Debian's Chromium headless through playwright-core. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** What {@link useE2eServer} holds for a test file once its `beforeAll` has run. */
export interface E2eSetup {
  server: RunningServer;
  browser: Browser;
  api: ReturnType<typeof apiClient>;
  /** The temporary folder holding the server's database; removed after the file. */
  dir: string;
}

/**
 * Registers a test file's `beforeAll`/`afterAll`: a temporary folder, the built server on it (see {@link startServer},
 * same `env` and options) and Chromium, started side by side, and closed after the file's last test. The fields are
 * set when `beforeAll` has run, so read them inside tests, not at module level.
 *
 * @example
 * const e2e = useE2eServer({ LLAMA_MAX_TOKENS: '16' });
 * it('opens', async () => {
 *   const page = await e2e.browser.newPage();
 *   await page.goto(e2e.server.baseUrl);
 * });
 */
export function useE2eServer(
  env: NodeJS.ProcessEnv = {},
  options: { waitForModel?: boolean; timeoutMs?: number } = {},
): E2eSetup {
  const setup = {} as E2eSetup;
  let tmp: { dir: string; cleanup: () => void } | undefined;
  beforeAll(
    async () => {
      assertPrerequisites();
      tmp = tempDir();
      setup.dir = tmp.dir;
      [setup.server, setup.browser] = await Promise.all([startServer(tmp.dir, env, options), launchBrowser()]);
      setup.api = apiClient(setup.server.baseUrl);
    },
    (options.timeoutMs ?? 90_000) + 30_000,
  );
  afterAll(async () => {
    await setup.browser?.close();
    await setup.server?.stop();
    tmp?.cleanup();
  });
  return setup;
}

/** The fields of a stored message (protocol `ChatMessage`) the tests look at. */
export type StoredMessage = Pick<ChatMessage, 'id' | 'role' | 'content' | 'status' | 'finish_reason'>;

/** Small JSON client for arranging and checking state through the real API (AUTH off). */
export function apiClient(baseUrl: string) {
  async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
  return {
    call,
    createSession: (title: string) => call<{ id: string; title: string }>('POST', '/api/chat/sessions', { title }),
    append: (sessionId: string, role: 'user' | 'assistant' | 'system', content: string) =>
      call<{ id: string }>('POST', `/api/chat/sessions/${sessionId}/messages`, { role, content }),
    /** Every message of a session, oldest first. */
    async messages(sessionId: string): Promise<StoredMessage[]> {
      const all: StoredMessage[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: { items: StoredMessage[]; next_cursor: string | null } = await call(
          'GET',
          `/api/chat/sessions/${sessionId}/messages?limit=200${q}`,
        );
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    },
  };
}

/** The part of better-sqlite3 the seeding uses (the web app has no @types/better-sqlite3). */
interface SqliteDatabase {
  pragma(source: string): unknown;
  prepare(sql: string): { run(...params: unknown[]): unknown; get(...params: unknown[]): unknown };
  transaction(fn: () => void): () => void;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => SqliteDatabase;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (what the API uses for ids) for time `ms`. */
export function ulid(ms = Date.now()): string {
  let time = '';
  for (let t = ms, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const rnd = randomBytes(16);
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[rnd[i]! % 32];
  return time + rest;
}

/**
 * Inserts `count` alternating user/assistant messages into an existing session straight into the server's
 * SQLite file (WAL, so the running server sees them; the FTS triggers index them), as one branch under the
 * chat's current leaf. Returns the ids in order.
 */
export function seedMessages(
  databasePath: string,
  sessionId: string,
  count: number,
  content: (i: number) => string,
): string[] {
  const db = new Database(databasePath);
  try {
    db.pragma('busy_timeout = 10000');
    const insert = db.prepare(
      `INSERT INTO chat_messages (id, session_id, parent_id, role, content, created_at, status) VALUES (?, ?, ?, ?, ?, ?, 'complete')`,
    );
    const ids: string[] = [];
    const start = Date.now() - count * 1000;
    db.transaction(() => {
      // One branch, continuing the chat's current leaf, which then moves to the last seeded message.
      const row = db.prepare('SELECT current_leaf_id FROM chat_sessions WHERE id = ?').get(sessionId) as
        | { current_leaf_id: string | null }
        | undefined;
      let parent = row?.current_leaf_id ?? null;
      for (let i = 0; i < count; i++) {
        const at = start + i * 1000;
        const id = ulid(at);
        ids.push(id);
        insert.run(id, sessionId, parent, i % 2 === 0 ? 'user' : 'assistant', content(i), at);
        parent = id;
      }
      db.prepare('UPDATE chat_sessions SET current_leaf_id = ? WHERE id = ?').run(parent, sessionId);
    })();
    return ids;
  } finally {
    db.close();
  }
}

/** Saves a PNG under docs/screenshots/ when SCREENSHOTS=1 (so CI never rewrites the committed images). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
