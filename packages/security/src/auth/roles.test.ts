import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { openTestAuth, type TestAuth } from '../../test/real-store.js';
import { AdminRequiredError, InvalidRoleError } from '../errors/index.js';
import { authenticate, rateLimits, requireAdmin, type SecurityEnv } from '../middleware/index.js';
import { LOCAL_USER } from './index.js';

let t: TestAuth;
beforeEach(async () => {
  t = await openTestAuth();
});
afterEach(async () => {
  await t.cleanup();
});

describe('roles', () => {
  it('makes the first real account admin (the local user aside) and later ones users', async () => {
    await t.auth.ensureLocalUser();
    const alice = await t.auth.addUser('alice', 'alice-password');
    const bob = await t.auth.addUser('bob', 'bob-password-1');
    const carol = await t.auth.addUser('carol', 'carol-password', { role: 'admin' });
    expect([alice.role, bob.role, carol.role]).toEqual(['admin', 'user', 'admin']);
    expect((await t.auth.setRole('bob', 'admin')).role).toBe('admin');
    expect((await t.auth.getUser('bob')).role).toBe('admin');
    expect((await t.auth.setRole('alice', 'user')).role).toBe('user');
    await expect(t.auth.setRole('alice', 'root')).rejects.toBeInstanceOf(InvalidRoleError);
  });

  it('carries the role in the principal; a service key is only a service key while its owner is admin', async () => {
    const admin = await t.auth.addUser('admin', 'admin-password');
    const user = await t.auth.addUser('user', 'user-password');
    const { key } = await t.auth.createApiKey(admin.id, 'front', { service: true });
    expect((await t.auth.listApiKeys(admin.id))[0]?.service).toBe(true);
    expect(await t.auth.authenticateApiKey(key)).toMatchObject({ role: 'admin', service: true });
    await expect(t.auth.createApiKey(user.id, 'front', { service: true })).rejects.toBeInstanceOf(AdminRequiredError);
    await t.auth.setRole('admin', 'user');
    const demoted = await t.auth.authenticateApiKey(key);
    expect(demoted).toMatchObject({ role: 'user' });
    expect(demoted?.service).toBeUndefined();
  });

  it('requireAdmin answers 403 to a user and lets the admin and the AUTH=off local user through', async () => {
    const admin = await t.auth.addUser('admin', 'admin-password');
    const user = await t.auth.addUser('user', 'user-password');
    const adminKey = (await t.auth.createApiKey(admin.id, 'k')).key;
    const userKey = (await t.auth.createApiKey(user.id, 'k')).key;
    const build = (mode: 'on' | 'off') => {
      const app = new Hono<SecurityEnv>();
      app.onError((err, c) =>
        c.json({ code: (err as { code?: string }).code }, (err as { code?: string }).code === 'forbidden' ? 403 : 401),
      );
      app.use(authenticate({ auth: t.auth, mode, localUser: LOCAL_USER }));
      app.post('/admin', requireAdmin(), (c) => c.json({ ok: true }));
      return app;
    };
    const on = build('on');
    const call = (key?: string) =>
      on.request('/admin', { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {} });
    expect((await call()).status).toBe(401);
    expect((await call(userKey)).status).toBe(403);
    expect((await call(adminKey)).status).toBe(200);
    expect((await build('off').request('/admin', { method: 'POST' })).status).toBe(200);
  });

  it("rate limits skip a service key's requests but still limit a plain key", async () => {
    const admin = await t.auth.addUser('admin', 'admin-password');
    const service = (await t.auth.createApiKey(admin.id, 'front', { service: true })).key;
    const plain = (await t.auth.createApiKey(admin.id, 'laptop')).key;
    const app = new Hono<SecurityEnv>();
    app.use(authenticate({ auth: t.auth, mode: 'on' }));
    app.post('/chat', rateLimits({ chat: '2/minute' }).chat, (c) => c.json({ ok: true }));
    const send = (key: string) => app.request('/chat', { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 10; i++) expect((await send(service)).status).toBe(200);
    expect((await send(plain)).status).toBe(200);
    expect((await send(plain)).status).toBe(200);
    expect((await send(plain)).status).toBe(429);
  });
});
