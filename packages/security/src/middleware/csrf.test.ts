import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestAuth, type TestAuth } from '../../test/real-store.js';
import { cookieFrom, createTestApp } from '../../test/test-app.js';
import { csrfProtection } from './index.js';

let t: TestAuth;
let cookie: string;
let key: string;
let app: ReturnType<typeof createTestApp>;
beforeEach(async () => {
  t = await openTestAuth();
  const alice = await t.auth.addUser('alice', 'alice-password');
  key = (await t.auth.createApiKey(alice.id, 'k')).key;
  app = createTestApp({ auth: t.auth, mode: 'on', corsOrigins: ['https://partner.example'] });
  const res = await app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
  });
  cookie = cookieFrom(res);
});
afterEach(async () => {
  await t.cleanup();
});

const post = (headers: Record<string, string>, method = 'POST') =>
  app.request('http://localhost/api/things', {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  });

describe('csrfProtection', () => {
  it('rejects a cross-origin POST that carries only the cookie', async () => {
    const res = await post({ cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: 'forbidden', message: 'Cross-origin request rejected (Origin: https://evil.example)' },
    });
  });

  it('rejects by Sec-Fetch-Site when the browser sends it, for every state-changing method', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await post({ cookie, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, method);
      expect(res.status, method).toBe(403);
    }
    expect((await post({ cookie, 'sec-fetch-site': 'same-site', origin: 'https://sub.localhost' })).status).toBe(403);
    // A text/plain or form POST (no preflight) is rejected too.
    const form = await app.request('http://localhost/api/things', {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(403);
    expect((await post({ cookie, origin: 'null' })).status, 'sandboxed iframes send Origin: null').toBe(403);
  });

  it('accepts same-origin requests', async () => {
    const byOrigin = await post({ cookie, origin: 'http://localhost' });
    expect(byOrigin.status).toBe(200);
    expect(await byOrigin.json()).toEqual({ by: 'alice' });
    expect((await post({ cookie, 'sec-fetch-site': 'same-origin', origin: 'http://localhost' })).status).toBe(200);
    // No Origin and no Sec-Fetch-Site: not a browser (curl, scripts).
    expect((await post({ cookie })).status).toBe(200);
  });

  it('exempts Bearer API keys', async () => {
    const res = await post({
      authorization: `Bearer ${key}`,
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ by: 'alice' });
  });

  it('lets allowlisted origins through and leaves safe methods alone', async () => {
    expect((await post({ cookie, origin: 'https://partner.example', 'sec-fetch-site': 'cross-site' })).status).toBe(
      200,
    );
    const get = await app.request('http://localhost/api/me', {
      headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(get.status).toBe(200);
  });

  it('also guards AUTH=off, where the local user needs no cookie', async () => {
    const offApp = createTestApp({ auth: t.auth, mode: 'off' });
    const res = await offApp.request('http://127.0.0.1:5000/api/things', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    const same = await offApp.request('http://127.0.0.1:5000/api/things', {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:5000' },
    });
    expect(same.status).toBe(200);
  });

  it('computes its own origin from X-Forwarded-* only with trustProxy', async () => {
    const make = (trustProxy: boolean) =>
      new Hono()
        .onError((err, c) => c.text(err.name, 403))
        .use(csrfProtection({ trustProxy }))
        .post('/', (c) => c.text('ok'));
    const init = {
      method: 'POST',
      headers: { origin: 'https://chat.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example' },
    };
    expect((await make(true).request('http://10.0.0.5:5000/', init)).status).toBe(200);
    const rejected = await make(false).request('http://10.0.0.5:5000/', init);
    expect(rejected.status).toBe(403);
    expect(await rejected.text()).toBe('CsrfError');
  });
});
