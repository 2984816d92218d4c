import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, ChatApiError } from '@chat-studio/protocol';
import { API_SERVER_ENTRY, startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';

describe('real listening server', () => {
  const tmp = tempDir();
  const dbPath = path.join(tmp.dir, 'data', 'chat_history.db');
  let server: ApiServer;

  beforeAll(async () => {
    server = await startApiServer({ DATABASE_PATH: dbPath, MODELS_DIR: path.join(tmp.dir, 'empty-models') });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('serves health, sessions, messages and search over a socket through the typed client', async () => {
    const client = createChatClient({ baseUrl: server.baseUrl });
    const health = await client.health();
    expect(health.database.ok).toBe(true);
    expect(health.status).toBe('degraded');

    const session = await client.createSession({ title: 'Over the wire' });
    await client.appendMessage(session.id, { role: 'user', content: 'persisted through a real socket' });
    const page = await client.listMessages(session.id);
    expect(page.items.map((m) => m.content)).toEqual(['persisted through a real socket']);
    const hits = await client.search('socket');
    expect(hits.items[0]?.session_id).toBe(session.id);

    const err = await client.getSession('01ARZ3NDEKTSV4RRFFQ69G5FAV').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatApiError);
    expect((err as ChatApiError).code).toBe('not_found');
    const unavailable = await client.send({ session_id: session.id, message: 'hello' }).catch((e: unknown) => e);
    expect((unavailable as ChatApiError).status).toBe(503);
    expect((unavailable as ChatApiError).message).toMatch(/^Chat service is not available: /);
  });

  it('stops gracefully on SIGTERM and leaves a clean database with the data', async () => {
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server.output()).toContain('stopped');
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const row = db.prepare('SELECT count(*) AS n FROM chat_messages').get() as { n: number };
      expect(row.n).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('server start-up safety', () => {
  it('refuses AUTH=off on 0.0.0.0 with a clear message', async () => {
    const { spawnSync } = await import('node:child_process');
    const tmp = tempDir();
    try {
      const result = spawnSync(process.execPath, [API_SERVER_ENTRY], {
        env: {
          ...process.env,
          HOST: '0.0.0.0',
          PORT: '0',
          AUTH: 'off',
          DATABASE_PATH: path.join(tmp.dir, 'db.sqlite'),
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/AUTH=off/);
      expect(result.stderr).toMatch(/0\.0\.0\.0/);
    } finally {
      tmp.cleanup();
    }
  });
});
