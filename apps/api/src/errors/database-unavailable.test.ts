/**
 * PostgreSQL stopped under a running app: API routes answer 503 `database_unavailable` with Retry-After, never 500,
 * and work again once the server is back. The test stops a cluster of its own, never the shared one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { postgresBinDir, startPostgresCluster, tempDir, type PostgresCluster } from '@chat-studio/test-support';
import { createApp } from '../app/create-app.js';
import { loadConfig } from '../config/index.js';

const bin = postgresBinDir();
if (!bin && process.env.CI === 'true') throw new Error('PostgreSQL server binaries must be installed in CI');

describe.skipIf(!bin)('PostgreSQL unreachable', { timeout: 120_000 }, () => {
  let cluster: PostgresCluster;
  let store: ChatStore;
  let app: ReturnType<typeof createApp>;
  const tmp = tempDir('chat-pg-down-');

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    store = await openChatStore({ url: cluster.adminUrl, poolSize: 4 });
    app = createApp({ store, config: loadConfig({ DATABASE_URL: cluster.adminUrl, WEB_DIST: tmp.dir }) });
  }, 150_000);
  afterAll(async () => {
    await store?.close();
    await cluster?.destroy();
    tmp.cleanup();
  });

  const json = { 'content-type': 'application/json' };

  it('answers 503 database_unavailable with Retry-After while it is down, then works again', async () => {
    const created = await app.request('/api/chat/sessions', {
      method: 'POST',
      headers: json,
      body: '{"title":"before"}',
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    // Requests in flight while the server shuts down, and requests after it: each is 2xx or 503, none a 500.
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? app.request('/api/chat/sessions')
        : app.request(`/api/chat/sessions/${id}/messages`, {
            method: 'POST',
            headers: json,
            body: '{"role":"user","content":"hello"}',
          }),
    );
    await cluster.stop();
    for (const res of await Promise.all(inFlight)) {
      expect([200, 201, 503], await res.clone().text()).toContain(res.status);
    }
    for (const [method, path, body] of [
      ['GET', '/api/chat/sessions', undefined],
      ['GET', `/api/chat/sessions/${id}`, undefined],
      ['POST', '/api/chat/sessions', '{}'],
      ['GET', '/api/chat/search?q=hello', undefined],
    ] as const) {
      const res = await app.request(path, { method, headers: body ? json : {}, body });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('database_unavailable');
      expect(error.message).toMatch(/database is not available/);
      expect(error.message).not.toMatch(/postgres:\/\//);
    }
    const openAi = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { ...json, 'x-chat-session-id': id },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(openAi.status).not.toBe(500);

    await cluster.start();
    const back = await app.request('/api/chat/sessions');
    expect(back.status).toBe(200);
  });
});
