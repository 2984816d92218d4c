import { Hono } from 'hono';
import { MemoryStore } from 'hono-rate-limiter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestAuth, type TestAuth } from '../../test/real-store.js';
import { createTestApp, fromIp } from '../../test/test-app.js';
import { rateLimits } from './index.js';

let t: TestAuth;
let aliceKey: string;
let bobKey: string;
beforeEach(async () => {
  t = await openTestAuth();
  const alice = await t.auth.addUser('alice', 'alice-password');
  const bob = await t.auth.addUser('bob', 'bob-password');
  aliceKey = (await t.auth.createApiKey(alice.id, 'k')).key;
  bobKey = (await t.auth.createApiKey(bob.id, 'k')).key;
});
afterEach(async () => {
  await t.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bearer = (key: string) => ({ method: 'POST', headers: { authorization: `Bearer ${key}` } });
const login = (username: string, password: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password }),
});

describe('rateLimits', () => {
  it('lets N requests through with draft-7 headers, answers the N+1th with 429, Retry-After and the envelope, then resets', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on', rates: { chat: '2/second' } });
    const first = await app.request('/api/chat', bearer(aliceKey));
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toMatch(/^limit=2, remaining=1, reset=1$/);
    expect(first.headers.get('ratelimit-policy')).toBe('2;w=1');
    expect((await app.request('/api/chat', bearer(aliceKey))).status).toBe(200);

    const limited = await app.request('/api/chat', bearer(aliceKey));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit')).toMatch(/^limit=2, remaining=0, reset=[01]$/);
    expect(limited.headers.get('ratelimit-policy')).toBe('2;w=1');
    const retryAfter = limited.headers.get('retry-after');
    expect(retryAfter).toBe('1');
    expect(await limited.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: `Too many chat requests; retry in ${retryAfter} s`,
        details: { retry_after_seconds: Number(retryAfter) },
      },
    });

    await sleep(1100);
    const after = await app.request('/api/chat', bearer(aliceKey));
    expect(after.status).toBe(200);
    expect(after.headers.get('ratelimit')).toMatch(/remaining=1/);
  });

  it('limits per user, not globally', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on', rates: { chat: '1/minute' } });
    expect((await app.request('/api/chat', bearer(aliceKey), fromIp('10.0.0.1'))).status).toBe(200);
    expect((await app.request('/api/chat', bearer(aliceKey), fromIp('10.0.0.2'))).status).toBe(429); // new IP, same user
    expect((await app.request('/api/chat', bearer(bobKey), fromIp('10.0.0.1'))).status).toBe(200); // same IP, other user
    expect((await app.request('/api/chat', bearer(bobKey), fromIp('10.0.0.1'))).status).toBe(429);
  });

  it('limits anonymous requests per client IP', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on', rates: { api: '2/minute' } });
    expect((await app.request('/api/health', {}, fromIp('192.0.2.1'))).status).toBe(200);
    expect((await app.request('/api/health', {}, fromIp('192.0.2.1'))).status).toBe(200);
    const limited = await app.request('/api/health', {}, fromIp('192.0.2.1'));
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { message: string } }).error.message).toMatch(
      /^Too many requests; retry in \d+ s$/,
    );
    expect((await app.request('/api/health', {}, fromIp('192.0.2.2'))).status).toBe(200);
    // Without TRUST_PROXY a spoofed X-Forwarded-For doesn't buy a fresh quota.
    const spoofed = await app.request(
      '/api/health',
      { headers: { 'x-forwarded-for': '198.51.100.9' } },
      fromIp('192.0.2.1'),
    );
    expect(spoofed.status).toBe(429);
  });

  it('stops login brute force at the default 10 failures per 15 minutes, even with the right password', async () => {
    const app = createTestApp({ auth: t.auth, mode: 'on' });
    for (let i = 0; i < 10; i++) {
      const res = await app.request('/api/auth/login', login('alice', `guess-${i}-xx`), fromIp('203.0.113.5'));
      expect(res.status).toBe(401);
      expect(res.headers.get('ratelimit-policy')).toBe('10;w=900');
    }
    const blocked = await app.request('/api/auth/login', login('alice', 'alice-password'), fromIp('203.0.113.5'));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(890);
    expect(((await blocked.json()) as { error: unknown }).error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/^Too many login attempts/),
    });
    // Another address is unaffected; successful logins don't use up its quota.
    for (let i = 0; i < 12; i++) {
      expect(
        (await app.request('/api/auth/login', login('alice', 'alice-password'), fromIp('203.0.113.6'))).status,
      ).toBe(200);
    }
  });

  it('believes X-Forwarded-For only with trustProxy, taking the entry our proxy appended', async () => {
    const limits = rateLimits({ api: '1/minute', trustProxy: true });
    const app = new Hono().use(limits.api).get('/', (c) => c.text('ok'));
    const via = (xff: string) => app.request('/', { headers: { 'x-forwarded-for': xff } }, fromIp('127.0.0.1'));
    expect((await via('1.1.1.1, 198.51.100.1')).status).toBe(200);
    // The client can prepend anything; the last entry is the one the proxy saw.
    expect((await via('2.2.2.2, 198.51.100.1')).status).toBe(429);
    expect((await via('198.51.100.2')).status).toBe(200);
  });

  it('uses the store factory, one store per limit', async () => {
    const made: Record<string, MemoryStore> = {};
    const limits = rateLimits({
      api: '1/minute',
      store: (name) => (made[name] = new MemoryStore()),
    });
    const app = new Hono().use(limits.api).get('/', (c) => c.text('ok'));
    await app.request('/', {}, fromIp('192.0.2.7'));
    expect(Object.keys(made).sort()).toEqual(['api', 'chat', 'login']);
    expect(made.api!.get('ip:192.0.2.7')?.totalHits).toBe(1);
    expect(made.chat!.get('ip:192.0.2.7')).toBeUndefined();
    for (const store of Object.values(made)) store.shutdown();
  });

  it("'off' disables a limit", async () => {
    const limits = rateLimits({ api: 'off' });
    const app = new Hono().use(limits.api).get('/', (c) => c.text('ok'));
    for (let i = 0; i < 5; i++) {
      const res = await app.request('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
  });

  it('rejects an unparsable rate at construction', () => {
    expect(() => rateLimits({ chat: '5/fortnight' })).toThrow(/Invalid rate "5\/fortnight"/);
  });
});
