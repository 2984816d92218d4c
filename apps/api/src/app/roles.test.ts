/** The role matrix: every route × {anonymous, user, other user, admin} with AUTH=on, and the local admin with AUTH=off. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatSession } from '@chat-studio/protocol';
import { createAuthService, readSecurityConfig } from '@chat-studio/security';
import { createApp } from './create-app.js';
import { openTestStore } from '../test-support.js';

type Ctx = Awaited<ReturnType<typeof openTestStore>>;
let ctx: Ctx;
let app: ReturnType<typeof createApp>;
const keys: Record<'user' | 'other' | 'admin', string> = { user: '', other: '', admin: '' };
let session: ChatSession;
let message: ChatMessage;

/** Routes anyone may call (the web app's shell included). */
const PUBLIC = new Set(['GET /health', 'GET /api/health', 'POST /api/auth/login', 'GET /']);
/** Health probes (liveness included) answer anyone; so do Ollama's version probes, as Ollama's own server does. */
function isPublic(route: string): boolean {
  const path = route.split(' ')[1]!;
  return (
    PUBLIC.has(route) ||
    /^\/(api\/)?health(\/|$)/.test(path) ||
    route === 'GET /ollama' ||
    route === 'GET /ollama/api/version'
  );
}

/** GET/HEAD on a POST-only chat route answers 405 (with Allow) before anything else. */
function isMethodProbe(route: string): boolean {
  return /^(GET|HEAD) \/(api\/chat\/(send|stream)|v1\/chat\/completions)$/.test(route);
}

/** Routes only an admin may call (a user may still read model status). */
const ADMIN = new Set(['POST /api/llm/active-model', 'GET /metrics']);
/** Valid bodies, so that an ownership answer is not hidden behind a validation error. */
const BODIES: Record<string, unknown> = {
  'POST /api/auth/login': { username: 'nobody', password: 'wrong-password' },
  'POST /api/auth/keys': { name: 'matrix' },
  'POST /api/chat/sessions': { title: 'matrix' },
  'PATCH /api/chat/sessions/:id': { title: 'renamed' },
  'POST /api/chat/sessions/:id/messages': { role: 'user', content: 'hello' },
  'PATCH /api/chat/sessions/:id/messages/:messageId': { content: 'edited' },
  'POST /api/chat/send': { session_id: ':id', message: 'hi' },
  'POST /api/chat/stream': { session_id: ':id', message: 'hi' },
  'POST /api/chat/prepare': { session_id: ':id' },
  'POST /api/llm/active-model': { model_id: 'stories260K' },
  'POST /v1/chat/completions': { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
};

function routes(): string[] {
  const all = app.routes.filter((r) => r.method !== 'ALL' && !r.path.includes('*')).map((r) => `${r.method} ${r.path}`);
  return [...new Set(all)];
}

function fill(text: string): string {
  return text.replaceAll(':messageId', message.id).replaceAll(':id', session.id);
}

function call(route: string, key?: string) {
  const [method, pattern] = route.split(' ') as [string, string];
  // Deleting the owner's data would change what later rows see: owned DELETEs run on a copy below.
  const body = BODIES[route];
  // The Ollama routes answer only requests that came through their own listener (OLLAMA_PORT).
  const env = pattern.startsWith('/ollama') ? { listener: 'ollama' } : undefined;
  return app.request(
    fill(pattern),
    {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: method === 'GET' || method === 'HEAD' ? undefined : body === undefined ? '{}' : fill(JSON.stringify(body)),
    },
    env,
  );
}

beforeAll(async () => {
  ctx = await openTestStore();
  const auth = createAuthService(ctx.store);
  const security = {
    config: readSecurityConfig(
      { AUTH: 'on', RATE_LIMIT_CHAT: '1000/minute', RATE_LIMIT_API: '100000/minute' },
      '127.0.0.1',
    ),
    auth,
  };
  app = createApp({ store: ctx.store, config: ctx.config, security });
  const admin = await auth.addUser('root', 'root-password-1');
  const user = await auth.addUser('alice', 'alice-password-1');
  const other = await auth.addUser('bob', 'bob-password-12');
  expect([admin.role, user.role, other.role]).toEqual(['admin', 'user', 'user']);
  keys.admin = (await auth.createApiKey(admin.id, 'k')).key;
  keys.user = (await auth.createApiKey(user.id, 'k')).key;
  keys.other = (await auth.createApiKey(other.id, 'k')).key;
  session = (await ctx.store.sessions.create(user.id, { title: 'Alice private' })) as ChatSession;
  message = (await ctx.store.messages.append(user.id, session.id, { role: 'user', content: 'secret' }))!;
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('role matrix, AUTH=on', () => {
  it('covers the routes it knows and classifies every other one by rule', () => {
    const list = routes();
    expect(list.length).toBeGreaterThan(20);
    for (const r of ADMIN) expect(list).toContain(r);
  });

  it('anonymous: 401 everywhere but the public routes', async () => {
    const wrong: string[] = [];
    for (const route of routes()) {
      const res = await call(route);
      if (isPublic(route)) expect(res.status, route).not.toBe(403);
      else if (res.status !== 401 && !(res.status === 405 && isMethodProbe(route)))
        wrong.push(`${route} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("user and other user: 403 on admin routes; other user: 404 on the user's session and message routes", async () => {
    for (const route of routes()) {
      if (isPublic(route)) continue;
      const owned = route.includes('/api/chat/sessions/:id');
      for (const who of ['other', 'user'] as const) {
        if (who === 'user' && route.startsWith('DELETE /api/chat/sessions/:id')) continue; // the owner's delete runs last
        const res = await call(route, keys[who]);
        if (ADMIN.has(route)) {
          expect(res.status, `${who} ${route}`).toBe(403);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
        } else if (owned && who === 'other') {
          expect(res.status, `${who} ${route}`).toBe(404);
        } else {
          expect([401, 403], `${who} ${route}`).not.toContain(res.status);
        }
      }
    }
  });

  it("admin: passes the admin routes, and still gets 404 for the user's chats", async () => {
    for (const route of routes()) {
      if (isPublic(route)) continue;
      const res = await call(route, keys.admin);
      if (route.includes('/api/chat/sessions/:id')) expect(res.status, `admin ${route}`).toBe(404);
      else expect([401, 403], `admin ${route}`).not.toContain(res.status);
    }
    const metrics = await call('GET /metrics', keys.admin);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('chat_studio_http_requests_total');
    // The session survived every foreign call.
    expect((await ctx.store.sessions.get((await ctx.store.users.getByUsername('alice'))!.id, session.id))?.title).toBe(
      'renamed',
    );
  });

  it('the owner can delete their own message and session', async () => {
    expect([200, 204]).toContain((await call('DELETE /api/chat/sessions/:id/messages/:messageId', keys.user)).status);
    expect([200, 204]).toContain((await call('DELETE /api/chat/sessions/:id', keys.user)).status);
  });

  it('a user reads model status and models but cannot switch the model', async () => {
    for (const route of ['GET /api/llm/status', 'GET /api/llm/models', 'GET /api/llm/providers']) {
      expect((await call(route, keys.user)).status, route).toBe(200);
    }
    expect((await call('POST /api/llm/active-model', keys.user)).status).toBe(403);
  });

  it('/api/auth/me says which role the caller has', async () => {
    const me = await call('GET /api/auth/me', keys.admin);
    expect(((await me.json()) as { user: { role: string } }).user.role).toBe('admin');
    const user = await call('GET /api/auth/me', keys.user);
    expect(((await user.json()) as { user: { role: string } }).user.role).toBe('user');
  });
});

describe('AUTH=off', () => {
  it('the local user is admin: model switching and /metrics are allowed', async () => {
    const local = createApp({ store: ctx.store, config: ctx.config });
    const switched = await local.request('/api/llm/active-model', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: 'stories260K' }),
    });
    // No runtime in this app: the answer is "chat unavailable", not "forbidden".
    expect(switched.status).toBe(503);
    expect((await local.request('/metrics')).status).toBe(200);
  });
});
