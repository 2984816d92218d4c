import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { createAuthService } from '@chat-studio/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScratchDatabase,
  scaleServices,
  startApi,
  type ApiProcess,
  type ScratchDatabase,
  redisKeyPrefix,
} from './services.js';

const services = scaleServices();
const API_LIMIT = 8;
const PASSWORD = 'correct horse battery staple';

describe.skipIf(!services)('two API processes on one PostgreSQL and one Redis', { timeout: 60_000 }, () => {
  let database: ScratchDatabase;
  let store: ChatStore;
  let a: ApiProcess;
  let b: ApiProcess;
  let bobKey: string;
  let aliceId: string;

  beforeAll(async () => {
    database = await createScratchDatabase(services!.databaseAdminUrl);
    // The accounts are made the way `pnpm users` makes them: straight in the shared database.
    store = await openChatStore({ url: database.url });
    const auth = createAuthService(store);
    aliceId = (await auth.addUser('alice', PASSWORD)).id;
    const bob = await auth.addUser('bob', PASSWORD);
    bobKey = (await auth.createApiKey(bob.id, 'scale test')).key;
    const env = {
      AUTH: 'on',
      DATABASE_URL: database.url,
      REDIS_URL: services!.redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      RATE_LIMIT_API: `${API_LIMIT}/minute`,
      RATE_LIMIT_CHAT: '1000/minute',
    };
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
  }, 150_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await database?.drop();
  });

  it('a login made through one process is honoured by the other, and so is what it writes', async () => {
    const login = await fetch(`${a.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: a.baseUrl },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    });
    expect(login.status, a.output()).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).not.toBe('');
    const as = (p: ApiProcess, init: RequestInit = {}) => ({
      ...init,
      headers: { cookie, origin: p.baseUrl, 'content-type': 'application/json', ...init.headers },
    });

    const me = await fetch(`${b.baseUrl}/api/auth/me`, as(b));
    expect(me.status, b.output()).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('alice');

    const created = await fetch(
      `${b.baseUrl}/api/chat/sessions`,
      as(b, { method: 'POST', body: JSON.stringify({ title: 'Made on B' }) }),
    );
    expect(created.status, b.output()).toBe(201);
    const session = (await created.json()) as { id: string };
    const posted = await fetch(
      `${a.baseUrl}/api/chat/sessions/${session.id}/messages`,
      as(a, {
        method: 'POST',
        body: JSON.stringify({ role: 'user', content: 'the albatross flies between processes' }),
      }),
    );
    expect(posted.status, a.output()).toBe(201);

    const read = await fetch(`${a.baseUrl}/api/chat/sessions/${session.id}`, as(a));
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: session.id, title: 'Made on B', message_count: 1 });
    const found = await fetch(`${b.baseUrl}/api/chat/search?q=albatross`, as(b));
    expect(((await found.json()) as { items: { session_id: string }[] }).items.map((h) => h.session_id)).toEqual([
      session.id,
    ]);
    // It really is in the shared PostgreSQL database, not in a file beside either process.
    expect((await store.sessions.get(aliceId, session.id))?.title).toBe('Made on B');
  });

  it(`the API rate limit (${API_LIMIT}/minute) counts requests to both processes together`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMIT + 2; i++) {
      const p = i % 2 === 0 ? a : b;
      const res = await fetch(`${p.baseUrl}/api/chat/sessions`, { headers: { authorization: `Bearer ${bobKey}` } });
      statuses.push(res.status);
      if (i === API_LIMIT) {
        // The first request over the limit, on whichever process it lands.
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } });
      }
    }
    expect(statuses).toEqual([...Array(API_LIMIT).fill(200), 429, 429]);
  });
});
