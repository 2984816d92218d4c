/** DNS rebinding: the request of issue #14 against a real listening server, refused before routing. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createAuthService, readSecurityConfig } from '@chat-studio/security';
import { createApp } from './create-app.js';
import { openTestStore } from '../test-support.js';

type Ctx = Awaited<ReturnType<typeof openTestStore>>;
let ctx: Ctx;
const servers: ServerType[] = [];

async function listen(env: NodeJS.ProcessEnv): Promise<number> {
  const security = { config: readSecurityConfig(env, '127.0.0.1'), auth: createAuthService(ctx.store) };
  const app = createApp({ store: ctx.store, config: ctx.config, security });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw request, so that the Host header is exactly what a rebinding page's browser sends. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  ctx = await openTestStore();
});
afterAll(async () => {
  for (const s of servers) s.close();
  await ctx.cleanup();
});

describe('Host checks', () => {
  it('AUTH=off: the rebinding request (Host and Origin evil.example) is 403 and creates nothing', async () => {
    const port = await listen({});
    const before = (await ctx.store.sessions.list('00000000000000000000000000', {})).items.length;
    const evil = `evil.example:${port}`;
    const res = await send(
      port,
      'POST',
      '/api/chat/sessions',
      { host: evil, origin: `http://${evil}`, 'content-type': 'application/json' },
      '{}',
    );
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'forbidden' } });
    expect(JSON.parse(res.text).error.message).toContain('evil.example');
    for (const path of ['/api/chat/sessions', '/health', '/', '/v1/models', '/metrics']) {
      expect((await send(port, 'GET', path, { host: evil })).status, path).toBe(403);
    }
    expect((await ctx.store.sessions.list('00000000000000000000000000', {})).items.length).toBe(before);
  });

  it('AUTH=off: loopback names pass; an empty host name is refused', async () => {
    const port = await listen({});
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(port, 'GET', '/api/chat/sessions', { host })).status, host).toBe(200);
    }
    const empty = await send(port, 'GET', '/api/chat/sessions', { host: `:${port}` });
    // @hono/node-server itself answers 400 to a Host it cannot make a URL of; the app's check covers the rest.
    expect([400, 403]).toContain(empty.status);
    expect(empty.text).not.toContain('"items"');
  });

  it('AUTH=on checks Host only once ALLOWED_HOSTS is set, then accepts those names and loopback', async () => {
    // Without a model runtime /health answers 503 (chat would fail); what matters here is that it answers at all.
    const open = await listen({ AUTH: 'on' });
    expect((await send(open, 'GET', '/health', { host: 'anything.example' })).status).not.toBe(403);
    const port = await listen({ AUTH: 'on', ALLOWED_HOSTS: 'chat.example.com' });
    expect((await send(port, 'GET', '/health', { host: 'chat.example.com' })).status).not.toBe(403);
    expect((await send(port, 'GET', '/health', { host: `127.0.0.1:${port}` })).status).not.toBe(403);
    expect((await send(port, 'GET', '/health', { host: 'evil.example' })).status).toBe(403);
  });
});
