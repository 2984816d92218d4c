/**
 * The troubleshooting guide's findings (issue #19) and storage failures (issue #14.2), each against a real SQLite
 * store through the real app. The model-dependent parts (top-level max_tokens, gen timing) are in
 * test/model/guide-model.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import type { ChatSession, ErrorEnvelope, HealthResponse } from '@chat-studio/protocol';
import { createAuthService, readSecurityConfig } from '@chat-studio/security';
import { tempDir, waitFor } from '@chat-studio/test-support';
import { loadConfig, type AppConfig } from '../config/index.js';
import { createMetrics } from '../observability/index.js';
import { createApp } from './create-app.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

interface Setup {
  store: ChatStore;
  config: AppConfig;
  dbPath: string;
  app: ReturnType<typeof createApp>;
  metrics: ReturnType<typeof createMetrics>;
}

async function setup(options: { busyTimeoutMs?: number } = {}): Promise<Setup> {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const dbPath = path.join(tmp.dir, 'chat_history.db');
  const config = loadConfig({ DATABASE_PATH: dbPath, WEB_DIST: path.join(tmp.dir, 'no-web') });
  const store = await openChatStore({ path: dbPath, busyTimeoutMs: options.busyTimeoutMs });
  cleanups.push(() => store.close());
  const metrics = createMetrics({ defaultMetrics: false });
  // The guide's chat limit (AUTH=off defaults to none: one local user is not a crowd).
  const security = {
    config: readSecurityConfig({ RATE_LIMIT_CHAT: '5/minute' }, '127.0.0.1'),
    auth: createAuthService(store),
  };
  const app = createApp({ store, config, metrics, security });
  return { store, config, dbPath, app, metrics };
}

async function session(app: Setup['app'], title = 'Harbour'): Promise<ChatSession> {
  const res = await app.request('/api/chat/sessions', json('POST', { title }));
  expect(res.status).toBe(201);
  return (await res.json()) as ChatSession;
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorEnvelope> {
  const body = (await res.json()) as ErrorEnvelope;
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body;
}

/** Polls `/health` until `match` holds (its answer is cached for a few seconds). */
async function healthUntil(
  app: Setup['app'],
  match: (status: number, body: HealthResponse) => boolean,
): Promise<{ status: number; body: HealthResponse }> {
  return waitFor(
    async () => {
      const res = await app.request('/health');
      const body = (await res.json()) as HealthResponse;
      return match(res.status, body) ? { status: res.status, body } : false;
    },
    15_000,
    'the health answer',
  );
}

describe('#19.5 health for monitors', () => {
  it('answers 503 while chat would fail (no model), body unchanged; /health/live answers 200', async () => {
    const { app } = await setup();
    for (const route of ['/health', '/api/health']) {
      const res = await app.request(route);
      expect(res.status).toBe(503);
      const body = (await res.json()) as HealthResponse;
      expect(body).toMatchObject({ status: 'degraded', database: { ok: true }, storage: { state: 'ok' } });
      expect(body.reason).toMatch(/^Chat service is not available/);
    }
    for (const route of ['/health/live', '/api/health/live']) expect((await app.request(route)).status).toBe(200);
  });
});

describe('#19.1 the search index the guide can break', () => {
  it("health flags the guide's rebuild SQL with the fix command", async () => {
    const { app, dbPath } = await setup();
    const s = await session(app);
    await app.request(`/api/chat/sessions/${s.id}/messages`, json('POST', { role: 'user', content: 'lighthouse' }));
    const raw = new Database(dbPath);
    raw.exec(`DROP TABLE IF EXISTS messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(content, session_id);
INSERT INTO messages_fts SELECT content, session_id FROM chat_messages;`);
    raw.close();
    const { status, body } = await healthUntil(app, (_s, b) => b.search_index?.ok === false);
    expect(status).toBe(503);
    expect(body.reason).toContain('pnpm maintenance --rebuild-fts');
  });
});

describe('#19.2 rate-limit diagnostics as the guide reads them', () => {
  it('HEAD and GET on the chat routes answer 405 with Allow: POST and the chat bucket', async () => {
    const { app } = await setup();
    for (const method of ['HEAD', 'GET']) {
      for (const route of ['/api/chat/send', '/api/chat/stream']) {
        const res = await app.request(route, { method });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
        expect(res.headers.get('x-ratelimit-limit')).toBe('5');
        expect(Number(res.headers.get('x-ratelimit-remaining'))).toBe(5);
        expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
        expect(res.headers.get('ratelimit')).toMatch(/limit=5, remaining=5/);
      }
    }
    expect((await app.request('/v1/chat/completions', { method: 'GET' })).status).toBe(405);
  });

  it('every limited route sends X-RateLimit-* for its own bucket, and a chat POST counts against chat', async () => {
    const { app } = await setup();
    const list = await app.request('/api/chat/sessions');
    expect(list.headers.get('x-ratelimit-limit')).toBe('300');
    expect(list.headers.get('x-ratelimit-remaining')).toBe('299');
    const s = await session(app);
    const send = await app.request('/api/chat/send', json('POST', { session_id: s.id, message: 'hi' }));
    expect(send.status).toBe(503);
    expect(send.headers.get('x-ratelimit-limit')).toBe('5');
    expect(send.headers.get('x-ratelimit-remaining')).toBe('4');
    const head = await app.request('/api/chat/send', { method: 'HEAD' });
    expect(head.headers.get('x-ratelimit-remaining')).toBe('4');
  });
});

describe('#19.6 requests as the guide writes them', () => {
  it('refuses unknown fields by name, conflicting duplicates, and an empty PATCH title', async () => {
    const { app } = await setup();
    const s = await session(app);
    const unknown = await expectError(
      await app.request('/api/chat/send', json('POST', { session_id: s.id, message: 'hi', temprature: 0.2 })),
      400,
      'validation_error',
    );
    expect(unknown.error.message).toContain('temprature');
    const nested = await expectError(
      await app.request('/api/chat/stream', json('POST', { session_id: s.id, message: 'hi', params: { bogus: 1 } })),
      400,
      'validation_error',
    );
    expect(nested.error.message).toContain('bogus');
    const both = await expectError(
      await app.request(
        '/api/chat/send',
        json('POST', { session_id: s.id, message: 'hi', max_tokens: 5, params: { max_tokens: 6 } }),
      ),
      400,
      'validation_error',
    );
    expect(both.error.message).toContain('max_tokens');
    const invalid = await expectError(
      await app.request('/api/chat/send', json('POST', { session_id: s.id, message: 'hi', temperature: 9 })),
      400,
      'validation_error',
    );
    expect(invalid.error.message).toContain('temperature');
    await expectError(
      await app.request(`/api/chat/sessions/${s.id}`, json('PATCH', { title: '' })),
      400,
      'validation_error',
    );
    await expectError(
      await app.request(`/api/chat/sessions/${s.id}`, json('PATCH', { title: '   ' })),
      400,
      'validation_error',
    );
  });
});

describe('#19.7 Server-Timing', () => {
  it('sends db (with total) on API responses', async () => {
    const { app } = await setup();
    await session(app);
    const res = await app.request('/api/chat/sessions');
    const timing = res.headers.get('server-timing') ?? '';
    expect(timing).toMatch(/(^|,\s*)db;dur=\d/);
    expect(timing).toMatch(/total;dur=/);
  });
});

describe('#19.4 busy database', () => {
  it('a write that waits out the busy timeout answers 503 database_busy with Retry-After, counted; health says degraded', async () => {
    const { app, dbPath, metrics } = await setup({ busyTimeoutMs: 300 });
    const s = await session(app);
    const other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE');
    cleanups.push(() => other.close());
    const res = await app.request(
      `/api/chat/sessions/${s.id}/messages`,
      json('POST', { role: 'user', content: 'waits' }),
    );
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = await expectError(res, 503, 'database_busy');
    expect(body.error.message).toMatch(/locked/);
    expect(await metrics.registry.metrics()).toMatch(/chat_studio_storage_errors_total\{code="database_busy"\} 1/);
    const { status, body: health } = await healthUntil(app, (_s, b) => b.storage?.failure === 'database_busy');
    expect(status).toBe(503);
    expect(health.status).toBe('degraded');
    expect(health.reason).toMatch(/locked/);
    other.exec('ROLLBACK');
    await healthUntil(app, (_s, b) => b.storage?.state === 'ok');
  });
});

describe('#14.2 storage failures: clear errors, health that tells the truth', () => {
  it('disk full (max_page_count): 507 storage_full, reads keep working, health 503 degraded', async () => {
    const { app, store, metrics } = await setup();
    const s = await session(app);
    const pages = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(store.db)).rows[0]!.page_count;
    await sql.raw(`PRAGMA max_page_count = ${pages}`).execute(store.db);
    let res: Response | undefined;
    for (let i = 0; i < 20; i++) {
      res = await app.request(
        `/api/chat/sessions/${s.id}/messages`,
        json('POST', { role: 'user', content: 'z'.repeat(8_000) }),
      );
      if (res.status !== 201) break;
    }
    const body = await expectError(res!, 507, 'storage_full');
    expect(body.error.message).toMatch(/disk is full/);
    expect((await app.request(`/api/chat/sessions/${s.id}/messages`)).status).toBe(200);
    expect(await metrics.registry.metrics()).toMatch(/storage_errors_total\{code="storage_full"\} 1/);
    const { status, body: health } = await healthUntil(app, (_s, b) => b.storage?.failure === 'storage_full');
    expect(status).toBe(503);
    expect(health.status).toBe('degraded');
  });

  it('read-only file: key-authenticated reads work, writes answer 503 storage_read_only, health 503', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const dbPath = path.join(tmp.dir, 'chat_history.db');
    const first = await openChatStore({ path: dbPath });
    const auth = createAuthService(first);
    const alice = await auth.addUser('alice', 'correct horse battery staple');
    const { key } = await auth.createApiKey(alice.id, 'laptop');
    const kept = await first.sessions.create(alice.id, { title: 'Kept' });
    await first.close();
    makeReadOnly(dbPath);
    const store = await openChatStore({ path: dbPath });
    cleanups.push(() => store.close());
    const config = loadConfig({ DATABASE_PATH: dbPath, WEB_DIST: path.join(tmp.dir, 'no-web'), HOST: '127.0.0.1' });
    const app = createApp({
      store,
      config,
      metrics: createMetrics({ defaultMetrics: false }),
      security: { config: readSecurityConfig({ AUTH: 'on' }, '127.0.0.1'), auth: createAuthService(store) },
    });
    const bearer = { authorization: `Bearer ${key}` };
    const list = await app.request('/api/chat/sessions', { headers: bearer });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: ChatSession[] }).items.map((x) => x.id)).toEqual([kept.id]);
    const write = await app.request('/api/chat/sessions', json('POST', { title: 'new' }, bearer));
    const body = await expectError(write, 503, 'storage_read_only');
    expect(body.error.message).toMatch(/writable/);
    const { status } = await healthUntil(app, (_s, b) => b.storage?.failure === 'storage_read_only');
    expect(status).toBe(503);
  });

  it('a damaged page: 503 storage_corrupt with what to do, health 503 down', async () => {
    const { app, store } = await setup();
    const s = await session(app);
    for (let i = 0; i < 40; i++)
      await app.request(
        `/api/chat/sessions/${s.id}/messages`,
        json('POST', { role: 'user', content: `line ${i} ${'x'.repeat(300)}` }),
      );
    const dbPath = store.path;
    await store.close();
    corruptTable(dbPath, 'chat_messages');
    const reopened = await openChatStore({ path: dbPath });
    cleanups.push(() => reopened.close());
    const app2 = createApp({
      store: reopened,
      config: loadConfig({ DATABASE_PATH: dbPath }),
      metrics: createMetrics({ defaultMetrics: false }),
    });
    const body = await expectError(await app2.request(`/api/chat/sessions/${s.id}/messages`), 503, 'storage_corrupt');
    expect(body.error.message).toMatch(/restore a backup/);
    const { status, body: health } = await healthUntil(app2, (_s, b) => b.status === 'down');
    expect(status).toBe(503);
    expect(health.reason).toMatch(/damaged/);
  });
});

/** Root ignores file modes: `chattr +i` then; SQLite opens the file read-only without a word. */
function makeReadOnly(file: string): void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', file]);
    cleanups.push(() => execFileSync('chattr', ['-i', file]));
  } else {
    execFileSync('chmod', ['444', file]);
  }
}

/** Overwrites the root page of `table` with garbage. */
function corruptTable(file: string, table: string): void {
  const raw = new Database(file);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const root = (raw.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = ?`).get(table) as { rootpage: number })
    .rootpage;
  const pageSize = raw.pragma('page_size', { simple: true }) as number;
  raw.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (root - 1) * pageSize);
  closeSync(fd);
}
