import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestAuth, type TestAuth } from '../../test/real-store.js';
import { cookieFrom, createTestApp } from '../../test/test-app.js';
import { LOCAL_USER } from '../auth/index.js';

let t: TestAuth;
beforeEach(async () => {
  t = await openTestAuth();
  await t.auth.addUser('alice', 'alice-password');
});
afterEach(async () => {
  await t.cleanup();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('authenticate (auth on)', () => {
  it('answers 401 with the envelope when there are no credentials', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on' });
    const res = await app.request('/api/me');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: expect.stringMatching(/Authentication required/) },
    });
    // Routes without requireAuth still work.
    expect((await app.request('/api/health')).status).toBe(200);
  });

  it('logs in with a cookie that is HttpOnly, SameSite=Lax, Path=/ with Max-Age = ttl', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on' });
    const login = await app.request('/api/auth/login', json({ username: 'alice', password: 'alice-password' }));
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^cs_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${7 * 86_400}`);
    expect(setCookie).not.toContain('Secure'); // plain http

    const me = await app.request('/api/me', { headers: { cookie: cookieFrom(login) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: expect.any(String), username: 'alice', via: 'cookie', role: 'admin' });

    const logout = await app.request('/api/auth/logout', { method: 'POST', headers: { cookie: cookieFrom(login) } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/cs_session=;.*Max-Age=0/);
    expect((await app.request('/api/me', { headers: { cookie: cookieFrom(login) } })).status).toBe(401);
  });

  it('sets Secure on the cookie for https requests', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on' });
    const res = await app.request(
      'https://chat.example/api/auth/login',
      json({ username: 'alice', password: 'alice-password' }),
    );
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('a wrong password is 401 and sets no cookie', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on' });
    const res = await app.request('/api/auth/login', json({ username: 'alice', password: 'nope-nope' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'Invalid username or password' } });
  });

  it('a forged or stale cookie is treated as no credentials', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on' });
    const res = await app.request('/api/me', { headers: { cookie: 'cs_session=forged-token-value' } });
    expect(res.status).toBe(401);
  });

  it('accepts a Bearer API key; a revoked or unknown key is 401', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on' });
    const alice = await t.auth.getUser('alice');
    const { key, info } = await t.auth.createApiKey(alice.id, 'script');
    const me = await app.request('/api/me', { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: alice.id, username: 'alice', via: 'api_key', role: 'admin' });

    await t.auth.revokeApiKey(alice.id, info.id);
    const revoked = await app.request('/api/me', { headers: { authorization: `Bearer ${key}` } });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ error: { code: 'unauthorized', message: 'Invalid or revoked API key' } });
    // A bad key fails even on routes that don't require auth: explicit credentials must be right.
    expect((await app.request('/api/health', { headers: { authorization: 'Bearer cs_nope' } })).status).toBe(401);
  });
});

describe('authenticate (auth off)', () => {
  it('every request acts as the local user, without credentials', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'off' });
    const me = await app.request('/api/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: LOCAL_USER.id, username: 'local', via: 'local', role: 'admin' });
  });
});
