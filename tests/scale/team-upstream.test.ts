/**
 * A team behind one front whose model is another Chat Studio (LLM_UPSTREAMS), both with AUTH=on and the guide's
 * default limits (5 chats per minute per user). The front calls the upstream with one service key: 4 users × 5
 * chats = 20 chats in well under a minute must all pass, where a plain key would stop the whole team at 5.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openChatStore } from '@chat-studio/chat-store';
import { createAuthService } from '@chat-studio/security';
import { startApiServer, tempDir, testModelsDir, waitFor, type ApiServer } from '@chat-studio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery staple';
const USERS = ['ana', 'ben', 'cleo', 'dan'];

/** Accounts made the way `pnpm users` / `pnpm keys` make them: straight in the server's database. */
async function withAuth<T>(dbPath: string, fn: (auth: ReturnType<typeof createAuthService>) => Promise<T>): Promise<T> {
  const store = await openChatStore({ path: dbPath });
  try {
    return await fn(createAuthService(store));
  } finally {
    await store.close();
  }
}

describe('a team behind a front on a Chat Studio upstream', { timeout: 180_000 }, () => {
  const tmp = tempDir('chat-team-');
  let upstream: ApiServer;
  let front: ApiServer;
  let upstreamAdminKey: string;
  const userKeys = new Map<string, string>();

  beforeAll(async () => {
    const upDb = path.join(tmp.dir, 'upstream.db');
    const frontDb = path.join(tmp.dir, 'front.db');
    const serviceKey = await withAuth(upDb, async (auth) => {
      const admin = await auth.addUser('front', PASSWORD);
      expect(admin.role).toBe('admin');
      upstreamAdminKey = (await auth.createApiKey(admin.id, 'ops')).key;
      return (await auth.createApiKey(admin.id, 'front', { service: true })).key;
    });
    await withAuth(frontDb, async (auth) => {
      for (const name of USERS)
        userKeys.set(name, (await auth.createApiKey((await auth.addUser(name, PASSWORD)).id, 'k')).key);
    });
    const common = { AUTH: 'on', RATE_LIMIT_CHAT: '', RATE_LIMIT_API: '', WEB_DIST: path.join(tmp.dir, 'no-web') };
    upstream = await startApiServer(
      {
        ...common,
        DATABASE_PATH: upDb,
        MODELS_DIR: testModelsDir(),
        LOGS_DIR: path.join(tmp.dir, 'logs-up'),
        PID_FILE: path.join(tmp.dir, 'up.pid'),
      },
      { waitForModel: true, timeoutMs: 60_000 },
    );
    const noModels = path.join(tmp.dir, 'no-models');
    mkdirSync(noModels);
    front = await startApiServer(
      {
        ...common,
        DATABASE_PATH: frontDb,
        MODELS_DIR: noModels,
        LOGS_DIR: path.join(tmp.dir, 'logs-front'),
        PID_FILE: path.join(tmp.dir, 'front.pid'),
        LLM_UPSTREAMS: `studio=${upstream.baseUrl}/v1|${serviceKey}`,
        // Checked every 0.5 s instead of 5 s, so the last test sees the upstream go down (3 failed checks) in
        // seconds rather than 15; what it asserts, that models and status agree once it is down, is the same.
        LLM_UPSTREAM_CHECK_MS: '500',
      },
      { waitForModel: true, timeoutMs: 60_000 },
    );
  }, 150_000);

  afterAll(async () => {
    await front?.stop();
    await upstream?.stop();
    tmp.cleanup();
  });

  it('20 chats from 4 users pass with the default limits; the upstream logs each end user', async () => {
    const chat = async (name: string) => {
      const headers = { authorization: `Bearer ${userKeys.get(name)}`, 'content-type': 'application/json' };
      const session = (await (
        await fetch(`${front.baseUrl}/api/chat/sessions`, { method: 'POST', headers, body: '{}' })
      ).json()) as { id: string };
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${front.baseUrl}/api/chat/send`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ session_id: session.id, message: `Once upon a time ${i}`, params: { max_tokens: 8 } }),
        });
        statuses.push(res.status);
        if (res.status !== 200) console.error(name, i, await res.text());
      }
      return statuses;
    };
    const results = await Promise.all(USERS.map(chat));
    expect(results.flat(), front.output().slice(-3000)).toEqual(Array(20).fill(200));

    // The upstream counted them, under the service key, and knows who each one was for.
    const metrics = await (
      await fetch(`${upstream.baseUrl}/metrics`, { headers: { authorization: `Bearer ${upstreamAdminKey}` } })
    ).text();
    const served = Number(/^chat_studio_service_key_requests_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    expect(served).toBeGreaterThanOrEqual(20);
    expect(metrics).not.toMatch(/^chat_studio_rate_limited_total [1-9]/m);
    for (const name of USERS) expect(upstream.output()).toContain(`"on_behalf_of":"${name}"`);

    // A sixth chat of one user within the minute is still refused by the front: its limits are per user.
    const headers = { authorization: `Bearer ${userKeys.get('ana')}`, 'content-type': 'application/json' };
    const session = (await (
      await fetch(`${front.baseUrl}/api/chat/sessions`, { method: 'POST', headers, body: '{}' })
    ).json()) as { id: string };
    const sixth = await fetch(`${front.baseUrl}/api/chat/send`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ session_id: session.id, message: 'one more' }),
    });
    expect(sixth.status).toBe(429);
  });

  it('/api/llm/models and /api/llm/status agree while the upstream is down', async () => {
    const headers = { authorization: `Bearer ${userKeys.get('ben')}` };
    await upstream.stop();
    const status = await waitFor(
      async () => {
        const s = (await (await fetch(`${front.baseUrl}/api/llm/status`, { headers })).json()) as {
          state: string;
          model_id: string | null;
        };
        return s.state !== 'ready' ? s : undefined;
      },
      30_000,
      'the front to notice its upstream is down',
    );
    const models = (await (await fetch(`${front.baseUrl}/api/llm/models`, { headers })).json()) as {
      models: { id: string; active: boolean }[];
      active_model_id: string | null;
    };
    expect(models.active_model_id).toBe(status.model_id);
    const active = models.models.filter((m) => m.active).map((m) => m.id);
    expect(active).toEqual(status.model_id === null ? [] : [status.model_id]);
  });
});
