import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentSummary, ChatMessage, ChatSession, Page, SearchHit } from '@chat-studio/protocol';
import { createAuthService, readSecurityConfig, sanitize } from '@chat-studio/security';
import { createApp } from './create-app.js';
import { openTestStore } from '../test-support.js';

type Ctx = Awaited<ReturnType<typeof openTestStore>>;
let ctx: Ctx;
let app: ReturnType<typeof createApp>;
let keyA: string;
let keyB: string;
let sessionA: ChatSession;
let messageA: ChatMessage;
/** A stored reply of A's: as /v1/responses names it, `resp_<message id>`. */
let replyA: ChatMessage;
/** An unsent file of A's. */
let fileA: AttachmentSummary;

const SECRET_WORD = 'zebracorn';

/** The env mark of the OLLAMA_PORT listener, which the Ollama routes (mounted at /ollama) require. */
const viaOllama = (path: string) => (path.startsWith('/ollama') ? { listener: 'ollama' } : undefined);

function call(
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(
    path,
    {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    viaOllama(path),
  );
}

beforeAll(async () => {
  ctx = await openTestStore();
  const auth = createAuthService(ctx.store);
  const security = { config: readSecurityConfig({ AUTH: 'on', RATE_LIMIT_CHAT: '1000/minute' }, '127.0.0.1'), auth };
  app = createApp({ store: ctx.store, config: ctx.config, security });
  const alice = await auth.addUser('alice', 'alice-password-1');
  const bob = await auth.addUser('bob', 'bob-password-12');
  keyA = (await auth.createApiKey(alice.id, 'test')).key;
  keyB = (await auth.createApiKey(bob.id, 'test')).key;
  sessionA = (await (await call(keyA, 'POST', '/api/chat/sessions', { title: 'Alice private' })).json()) as ChatSession;
  messageA = (await (
    await call(keyA, 'POST', `/api/chat/sessions/${sessionA.id}/messages`, {
      role: 'user',
      content: `my ${SECRET_WORD} diary`,
    })
  ).json()) as ChatMessage;
  replyA = (await (
    await call(keyA, 'POST', `/api/chat/sessions/${sessionA.id}/messages`, {
      role: 'assistant',
      content: `a ${SECRET_WORD} reply`,
    })
  ).json()) as ChatMessage;
  const form = new FormData();
  form.append('file', new File([`notes about the ${SECRET_WORD}`], 'alice-notes.md', { type: 'text/markdown' }));
  const upload = await app.request('/api/attachments', {
    method: 'POST',
    headers: { authorization: `Bearer ${keyA}` },
    body: form,
  });
  expect(upload.status).toBe(201);
  fileA = (await upload.json()) as AttachmentSummary;
});
afterAll(async () => {
  await ctx.cleanup();
});

/** Every route that names a session or message, as user B would call it against A's. */
function foreignCalls(): [string, string, unknown?, Record<string, string>?][] {
  const s = sessionA.id;
  const m = messageA.id;
  const f = fileA.id;
  return [
    ['GET', `/api/attachments/${f}`],
    ['GET', `/api/attachments/${f}/content`],
    ['GET', `/api/attachments/${f}/text`],
    ['DELETE', `/api/attachments/${f}`],
    ['GET', `/api/chat/sessions/${s}`],
    ['PATCH', `/api/chat/sessions/${s}`, { title: 'pwned', archived: true }],
    ['DELETE', `/api/chat/sessions/${s}`],
    ['GET', `/api/chat/sessions/${s}/messages`],
    ['POST', `/api/chat/sessions/${s}/messages`, { role: 'user', content: 'injected' }],
    ['GET', `/api/chat/sessions/${s}/messages/${m}`],
    ['PATCH', `/api/chat/sessions/${s}/messages/${m}`, { content: 'pwned' }],
    ['DELETE', `/api/chat/sessions/${s}/messages/${m}`],
    ['GET', `/api/chat/sessions/${s}/messages/${m}/siblings`],
    ['GET', `/api/chat/sessions/${s}/messages/${m}/subtree`],
    ['POST', `/api/chat/sessions/${s}/branch`, { message_id: m }],
    ['POST', `/api/chat/sessions/${s}/messages/${m}/edit`, { content: 'pwned' }],
    ['POST', `/api/chat/sessions/${s}/messages/${m}/regenerate`, {}],
    ['POST', '/api/chat/send', { session_id: s, message: 'hi' }],
    ['POST', '/api/chat/stream', { session_id: s, message: 'hi' }],
    ['POST', '/api/chat/prepare', { session_id: s }],
    ['GET', `/api/chat/sessions/${s}/export`],
    [
      'POST',
      '/v1/chat/completions',
      { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
      { 'x-chat-session-id': s },
    ],
    ['GET', `/v1/responses/resp_${replyA.id}`],
    ['POST', '/v1/responses', { model: 'x', input: 'hi', previous_response_id: `resp_${replyA.id}` }],
    [
      'POST',
      '/v1/responses',
      {
        model: 'x',
        input: [{ type: 'function_call_output', call_id: 'call_1', output: 'x' }],
        previous_response_id: `resp_${replyA.id}`,
      },
    ],
    [
      'POST',
      '/ollama/api/chat',
      { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
      { 'x-chat-session-id': s },
    ],
  ];
}

describe('ownership', () => {
  it('covers every route that takes a session or message id', () => {
    const covered = new Set(
      foreignCalls().map(
        ([method, path]) =>
          `${method} ${path.replace(sessionA.id, ':id').replace(messageA.id, ':messageId').replace(`resp_${replyA.id}`, ':id').replace(fileA.id, ':id')}`,
      ),
    );
    const routes = app.routes
      .filter((r) => r.path.includes(':id') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      if (route.includes('/api/auth/keys')) continue; // keys are checked below, per user
      expect(covered, route).toContain(route);
    }
  });

  it("user B gets the same 404 as for a missing session on every route, and A's data is unchanged", async () => {
    const aliceId = (await ctx.store.users.getByUsername('alice'))!.id;
    const before = await ctx.store.messages.list(aliceId, sessionA.id, {});
    const missing = await (await call(keyB, 'GET', '/api/chat/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV')).json();
    for (const [method, path, body, headers] of foreignCalls()) {
      const res = await call(keyB, method, path, body, headers);
      expect(res.status, `${method} ${path}`).toBe(404);
      const text = await res.text();
      expect(text).not.toContain(SECRET_WORD);
      expect(text).not.toContain('Alice private');
      if (path.startsWith('/ollama'))
        expect(JSON.parse(text), `${method} ${path}`).toEqual({ error: 'Session not found' });
      else if (path.startsWith('/api/attachments/'))
        expect(JSON.parse(text), `${method} ${path}`).toMatchObject({ error: { code: 'attachment_not_found' } });
      else if (!path.startsWith('/v1') && !path.includes('/messages/'))
        expect(JSON.parse(text), `${method} ${path}`).toEqual(missing);
    }
    const session = await ctx.store.sessions.get(aliceId, sessionA.id);
    expect(session).toMatchObject({ title: 'Alice private', archived: false });
    const after = await ctx.store.messages.list(aliceId, sessionA.id, {});
    expect(after?.items).toEqual(before?.items);
    expect(after?.items.map((m) => m.content)).toEqual([`my ${SECRET_WORD} diary`, `a ${SECRET_WORD} reply`]);
    // A's file is still there and unsent.
    expect(await ctx.store.attachments.get(aliceId, fileA.id)).toMatchObject({
      name: 'alice-notes.md',
      message_id: null,
    });
    // No session was created for B by the refused /v1/responses call.
    expect(((await (await call(keyB, 'GET', '/api/chat/sessions')).json()) as Page<ChatSession>).items).toEqual([]);
  });

  it("user B naming A's message from B's own chat gets 404 on every branch route, and A's tree is unchanged", async () => {
    const aliceId = (await ctx.store.users.getByUsername('alice'))!.id;
    const before = await ctx.store.messages.listTree(aliceId, sessionA.id);
    const own = (await (await call(keyB, 'POST', '/api/chat/sessions', { title: 'Bob' })).json()) as ChatSession;
    const s = own.id;
    const m = messageA.id;
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/chat/sessions/${s}/messages/${m}/siblings`],
      ['GET', `/api/chat/sessions/${s}/messages/${m}/subtree`],
      ['POST', `/api/chat/sessions/${s}/branch`, { message_id: m }],
      ['POST', `/api/chat/sessions/${s}/messages/${m}/edit`, { content: 'pwned' }],
      ['POST', `/api/chat/sessions/${s}/messages/${m}/regenerate`, {}],
      ['DELETE', `/api/chat/sessions/${s}/messages/${m}`],
      ['GET', `/api/chat/sessions/${s}/messages?around=${m}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await call(keyB, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.text()).not.toContain(SECRET_WORD);
    }
    expect(await ctx.store.messages.listTree(aliceId, sessionA.id)).toEqual(before);
    // A's newest message (the stored reply /v1/responses names) is still the leaf.
    expect((await ctx.store.sessions.get(aliceId, sessionA.id))!.current_leaf_id).toBe(replyA.id);
    expect((await call(keyB, 'DELETE', `/api/chat/sessions/${s}`)).status).toBe(204);
  });

  it("listings and search never include another user's data", async () => {
    const list = (await (await call(keyB, 'GET', '/api/chat/sessions')).json()) as Page<ChatSession>;
    expect(list.items).toEqual([]);
    const hits = (await (await call(keyB, 'GET', `/api/chat/search?q=${SECRET_WORD}`)).json()) as Page<SearchHit>;
    expect(hits.items).toEqual([]);
    const exported = await (await call(keyB, 'GET', '/api/chat/export')).text();
    expect(exported).not.toContain(SECRET_WORD);
    expect(JSON.parse(exported)).toMatchObject({ chats: [] });
    const own = (await (await call(keyA, 'GET', `/api/chat/search?q=${SECRET_WORD}`)).json()) as Page<SearchHit>;
    expect(own.items).toHaveLength(2);
  });

  it("B cannot list or revoke A's API keys", async () => {
    const keys = (await (await call(keyA, 'GET', '/api/auth/keys')).json()) as {
      api_keys: { id: string; prefix: string }[];
    };
    expect(keys.api_keys).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(keyA);
    const res = await call(keyB, 'DELETE', `/api/auth/keys/${keys.api_keys[0]!.id}`);
    expect(res.status).toBe(404);
    expect((await call(keyA, 'GET', '/api/chat/sessions')).status).toBe(200);
  });
});

describe('authentication with AUTH=on', () => {
  it('answers 401 everywhere but health and login', async () => {
    const paths: [string, string][] = [
      ['GET', '/api/chat/sessions'],
      ['POST', '/api/chat/sessions'],
      ['GET', `/api/chat/sessions/${sessionA.id}`],
      ['GET', `/api/chat/sessions/${sessionA.id}/messages`],
      ['GET', '/api/chat/search?q=x'],
      ['POST', '/api/chat/send'],
      ['POST', '/api/chat/stream'],
      ['POST', '/api/chat/prepare'],
      ['GET', '/api/llm/models'],
      ['GET', '/api/llm/providers'],
      ['GET', '/api/llm/status'],
      ['POST', '/api/llm/active-model'],
      ['GET', '/api/auth/me'],
      ['GET', '/api/auth/keys'],
      ['GET', '/v1/models'],
      ['GET', '/v1/models/stories260K'],
      ['POST', '/v1/chat/completions'],
      ['POST', '/v1/embeddings'],
      ['POST', '/v1/completions'],
      ['POST', '/v1/responses'],
      ['GET', '/v1/responses/resp_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['GET', '/ollama/api/version'],
      ['GET', '/ollama/api/tags'],
      ['POST', '/ollama/api/show'],
      ['POST', '/ollama/api/chat'],
      ['POST', '/ollama/api/generate'],
      ['POST', '/ollama/api/embed'],
      ['POST', '/ollama/api/embeddings'],
    ];
    for (const [method, path] of paths) {
      const res = await call(undefined, method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(401);
      const body = (await res.json()) as { error: { type?: string; code?: string } | string };
      if (path.startsWith('/ollama')) expect(typeof body.error, path).toBe('string');
      else if (typeof body.error === 'string') expect.fail(`${path} answered Ollama's error shape`);
      else if (path.startsWith('/v1')) expect(body.error.type).toBe('authentication_error');
      else expect(body.error.code).toBe('unauthorized');
    }
    // Ollama clients probe `/` without credentials, as health checks are probed.
    expect((await call(undefined, 'GET', '/ollama')).status).toBe(200);
    // No model here: 503 `degraded`, answered without a login all the same.
    expect((await call(undefined, 'GET', '/health')).status).toBe(503);
    expect((await call(undefined, 'GET', '/api/health')).status).toBe(503);
    expect((await call(undefined, 'GET', '/api/health/live')).status).toBe(200);
    expect(
      (await call(undefined, 'POST', '/api/auth/login', { username: 'alice', password: 'wrong-password' })).status,
    ).toBe(401);
  });

  it('a wrong API key is 401, a revoked key stops working', async () => {
    expect((await call('cs_not-a-real-key', 'GET', '/api/chat/sessions')).status).toBe(401);
    const created = await call(keyB, 'POST', '/api/auth/keys', { name: 'temporary' });
    expect(created.status).toBe(201);
    const { key, api_key } = (await created.json()) as { key: string; api_key: { id: string } };
    expect((await call(key, 'GET', '/api/chat/sessions')).status).toBe(200);
    expect((await call(keyB, 'DELETE', `/api/auth/keys/${api_key.id}`)).status).toBe(204);
    expect((await call(key, 'GET', '/api/chat/sessions')).status).toBe(401);
  });

  it('logs in with a cookie (HttpOnly, SameSite=Lax), reads /me, logs out', async () => {
    const login = await call(undefined, 'POST', '/api/auth/login', { username: 'alice', password: 'alice-password-1' });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(await login.text()).not.toContain('alice-password-1');
    const cookie = setCookie.split(';')[0]!;
    const me = await app.request('/api/auth/me', { headers: { cookie } });
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('alice');
    const list = await app.request('/api/chat/sessions', { headers: { cookie } });
    expect(((await list.json()) as Page<ChatSession>).items.map((s) => s.id)).toContain(sessionA.id);

    // A cross-origin POST carrying only the cookie is refused; the same from our origin works.
    const cross = await app.request('http://localhost/api/chat/sessions', {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cross.status).toBe(403);
    const same = await app.request('http://localhost/api/chat/sessions', {
      method: 'POST',
      headers: { cookie, origin: 'http://localhost', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(same.status).toBe(201);

    const out = await app.request('http://localhost/api/auth/logout', {
      method: 'POST',
      headers: { cookie, origin: 'http://localhost' },
    });
    expect(out.status).toBe(204);
    expect((await app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('safe output', () => {
  const corpus = [
    "<script>alert('xss')</script>Hello",
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '"><iframe srcdoc="<script>alert(1)</script>">',
    '<a href="javascript:alert(1)">x</a>',
    '<ScRiPt>alert(1)</sCrIpT>',
    '<scr<script>ipt>alert(1)</scr</script>ipt>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '<div style="background:url(javascript:alert(1))">',
    '\u0000<script>alert(1)</script>',
  ];

  it('stores message content verbatim and sanitize() neutralizes it for HTML', async () => {
    for (const content of corpus) {
      const res = await call(keyA, 'POST', `/api/chat/sessions/${sessionA.id}/messages`, { role: 'user', content });
      expect(res.status).toBe(201);
      const stored = (await res.json()) as ChatMessage;
      const back = (await (
        await call(keyA, 'GET', `/api/chat/sessions/${sessionA.id}/messages/${stored.id}`)
      ).json()) as ChatMessage;
      expect(back.content).toBe(content);
      const safe = sanitize(content);
      expect(safe).not.toMatch(/<[a-z!/?]/i);
      expect(safe.toLowerCase()).not.toContain('<script');
    }
    expect(sanitize("<script>alert('xss')</script>Hello")).toBe('Hello');
  });

  it('sends a CSP that forbids inline script, nosniff, frame-ancestors none and a referrer policy', async () => {
    const res = await call(keyA, 'GET', '/api/chat/sessions');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline[^;]*script|script-src[^;]*unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBeTruthy();
  });
});

describe('rate limits', () => {
  it('the N+1th chat request in a window is 429 with draft-7 headers, per user', async () => {
    const store = ctx.store;
    const auth = createAuthService(store);
    const limited = createApp({
      store,
      config: ctx.config,
      security: { config: readSecurityConfig({ AUTH: 'on', RATE_LIMIT_CHAT: '3/minute' }, '127.0.0.1'), auth },
    });
    const send = (key: string) =>
      limited.request('/api/chat/send', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: sessionA.id, message: 'hi' }),
      });
    for (let i = 0; i < 3; i++) {
      const res = await send(keyA);
      expect(res.status).not.toBe(429);
      expect(res.headers.get('ratelimit')).toBeTruthy();
      expect(res.headers.get('ratelimit-policy')).toBeTruthy();
    }
    const over = await send(keyA);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Another user has their own budget.
    expect((await send(keyB)).status).not.toBe(429);
  });

  it('the API limit covers GET /v1/models/{id}, per user', async () => {
    const auth = createAuthService(ctx.store);
    const limited = createApp({
      store: ctx.store,
      config: ctx.config,
      security: { config: readSecurityConfig({ AUTH: 'on', RATE_LIMIT_API: '2/minute' }, '127.0.0.1'), auth },
    });
    const retrieve = (key: string) =>
      limited.request('/v1/models/stories260K', { headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 2; i++) expect((await retrieve(keyA)).status).not.toBe(429);
    const over = await retrieve(keyA);
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    expect((await retrieve(keyB)).status).not.toBe(429);
  });
});

describe('the endpoints of issue #13 (embeddings, completions, responses, Ollama)', () => {
  const routes: [string, unknown][] = [
    ['/v1/embeddings', { model: 'x', input: 'hi' }],
    ['/v1/completions', { model: 'x', prompt: 'hi' }],
    ['/v1/responses', { model: 'x', input: 'hi' }],
    ['/ollama/api/chat', { model: 'x', messages: [{ role: 'user', content: 'hi' }] }],
    ['/ollama/api/generate', { model: 'x', prompt: 'hi' }],
    ['/ollama/api/embed', { model: 'x', input: 'hi' }],
    ['/ollama/api/embeddings', { model: 'x', prompt: 'hi' }],
  ];

  it('each model route counts against the chat rate limit, and its 429 is in the route’s own error shape', async () => {
    for (const [path, body] of routes) {
      // A fresh app per route: the counters start at zero, so the third call is over the limit because of this route alone.
      const limited = createApp({
        store: ctx.store,
        config: ctx.config,
        security: {
          config: readSecurityConfig({ AUTH: 'on', RATE_LIMIT_CHAT: '2/minute' }, '127.0.0.1'),
          auth: createAuthService(ctx.store),
        },
      });
      const send = () =>
        limited.request(
          path,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          },
          viaOllama(path),
        );
      for (let i = 0; i < 2; i++) expect((await send()).status, path).not.toBe(429);
      const over = await send();
      expect(over.status, path).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      const error = ((await over.json()) as { error: unknown }).error;
      if (path.startsWith('/ollama')) expect(error, path).toMatch(/Too many chat requests/);
      else expect(error, path).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    }
  });

  it('the Ollama routes answer only through the OLLAMA_PORT listener', async () => {
    for (const path of ['/ollama', '/ollama/api/tags', '/ollama/api/version']) {
      const res = await app.request(path, { headers: { authorization: `Bearer ${keyA}` } });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('version');
    }
    const tags = await app.request(
      '/ollama/api/tags',
      { headers: { authorization: `Bearer ${keyA}` } },
      { listener: 'ollama' },
    );
    expect(tags.status).toBe(200);
    expect(await tags.json()).toEqual({ models: [] });
  });

  it('unknown and unsupported fields are 400s naming the field, before any model work', async () => {
    const cases: [string, unknown, string][] = [
      ['/v1/embeddings', { model: 'x', input: 'hi', wat: 'u' }, 'wat'],
      ['/v1/embeddings', { model: 'x', input: 'hi', encoding_format: 'int8' }, 'encoding_format'],
      ['/v1/completions', { model: 'x', prompt: 'hi', logprobs: 2 }, 'logprobs'],
      ['/v1/completions', { model: 'x', prompt: 'hi', n: 2 }, 'n'],
      ['/v1/completions', { model: 'x', prompt: 'hi', wat: 1 }, 'wat'],
      ['/v1/responses', { model: 'x', input: 'hi', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
      ['/v1/responses', { model: 'x', input: 'hi', tools: [{ type: 'function', name: 'f', x: 1 }] }, 'tools[0].x'],
      ['/v1/responses', { model: 'x', input: 'hi', store: false }, 'store'],
      ['/v1/responses', { model: 'x', input: [{ type: 'input_image', image_url: 'x' }] }, 'input[0].type'],
      // An output that answers no call: refused before a chat is created for it.
      ['/v1/responses', { model: 'x', input: [{ type: 'function_call_output', call_id: 'c', output: '1' }] }, 'input'],
    ];
    for (const [path, body, param] of cases) {
      const res = await call(keyA, 'POST', path, body);
      expect(res.status, `${path} ${param}`).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    const ollama: [string, unknown, RegExp][] = [
      ['/ollama/api/chat', { model: 'x', messages: [], options: { num_ctx: 8192 } }, /num_ctx/],
      ['/ollama/api/chat', { model: 'x', messages: [], format: 'yaml' }, /format/],
      ['/ollama/api/chat', { model: 'x', messages: [], keep_alive: 0 }, /keep_alive/],
      ['/ollama/api/generate', { model: 'x', prompt: 'hi', context: [1, 2] }, /context/],
      ['/ollama/api/generate', { model: 'x', prompt: 'hi', wat: 1 }, /wat/],
    ];
    for (const [path, body, pattern] of ollama) {
      const res = await call(keyA, 'POST', path, body);
      expect(res.status, `${path} ${pattern}`).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(pattern);
    }
  });
});
