import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { secureHeaders } from '@chat-studio/security';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/create-app.js';
import { openTestStore } from '../../test-support.js';
import { appendResponseHeader, fastSecureHeaders, setResponseHeader } from './index.js';

let ctx: Awaited<ReturnType<typeof openTestStore>>;
const servers: ServerType[] = [];

async function listen(app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> }): Promise<string> {
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A response's headers without the ones that change per request or per server. */
function stable(res: Response): [string, string][] {
  const changing = new Set(['date', 'x-request-id', 'server-timing', 'connection', 'keep-alive']);
  return [...res.headers].filter(([name]) => !changing.has(name));
}

beforeAll(async () => {
  ctx = await openTestStore();
});

afterAll(async () => {
  for (const server of servers) server.close();
  await ctx.cleanup();
});

describe('fastSecureHeaders', () => {
  it('sends over a real socket exactly the headers and values of the security package middleware', async () => {
    const make = (mw: ReturnType<typeof secureHeaders>) =>
      new Hono()
        .use(mw)
        .get('/json', (c) => c.json({ ok: true }))
        .get('/html', (c) => c.html('<p>hi</p>'))
        .get('/own', (c) => {
          c.header('Cache-Control', 'no-store');
          return c.text('x', 201);
        });
    const [slow, fast] = [await listen(make(secureHeaders())), await listen(make(fastSecureHeaders()))];
    for (const path of ['/json', '/html', '/own', '/missing']) {
      const [a, b] = [await fetch(`${slow}${path}`), await fetch(`${fast}${path}`)];
      expect(b.status).toBe(a.status);
      expect(stable(b)).toEqual(stable(a));
      expect(await b.text()).toBe(await a.text());
    }
    const res = await fetch(`${fast}/json`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('falls back to the Hono middleware without a Node response (app.request)', async () => {
    const app = new Hono().use(fastSecureHeaders()).get('/', (c) => c.text('x'));
    const [a, b] = [
      await app.request('/'),
      await new Hono()
        .use(secureHeaders())
        .get('/', (c) => c.text('x'))
        .request('/'),
    ];
    expect(stable(a)).toEqual(stable(b));
  });
});

describe('setResponseHeader / appendResponseHeader', () => {
  it('reach the response on a real socket and under app.request alike', async () => {
    const app = new Hono()
      .use(async (c, next) => {
        setResponseHeader(c, 'X-Before', 'b');
        await next();
        appendResponseHeader(c, 'Server-Timing', 'x;dur=1.0');
      })
      .get('/', (c) => c.json({ ok: true }));
    for (const res of [await fetch(await listen(app)), await app.request('/')]) {
      expect(res.headers.get('x-before')).toBe('b');
      expect(res.headers.get('server-timing')).toBe('x;dur=1.0');
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual({ ok: true });
    }
  });
});

describe('the app over a real socket', () => {
  it('sends the security headers, the request id and Server-Timing with db on the session list and health', async () => {
    const app = createApp({ store: ctx.store, config: ctx.config });
    const base = await listen(app);
    const created = await fetch(`${base}/api/chat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'headers' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('server-timing')).toMatch(/(^|,)db;dur=[\d.]+/);
    for (const path of ['/api/chat/sessions?limit=20', '/api/health']) {
      const res = await fetch(`${base}${path}`, { headers: { 'x-request-id': 'req-123' } });
      expect(res.headers.get('x-request-id')).toBe('req-123');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('server-timing')).toMatch(/(^|,)db;dur=[\d.]+,.*total;dur=[\d.]+;desc="Total"$/);
    }
    const health = await fetch(`${base}/health`);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const list = (await (await fetch(`${base}/api/chat/sessions?limit=20`)).json()) as { items: { title: string }[] };
    expect(list.items.map((s) => s.title)).toContain('headers');
  });
});
