import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { describe, expect, it } from 'vitest';
import { unlessPath } from './index.js';

describe('unlessPath', () => {
  const guard = createMiddleware(async (c, next) => {
    if (c.req.header('x-pass') !== 'yes') return c.text('refused', 401);
    c.header('x-guarded', '1');
    await next();
  });
  const app = new Hono();
  app.use('/api/*', unlessPath(['/api/open', '/api/login'], guard));
  app.get('/api/open', (c) => c.text('open'));
  app.get('/api/open/more', (c) => c.text('more'));
  app.get('/api/closed', (c) => c.text('closed'));

  it('skips the middleware on the listed paths only', async () => {
    const open = await app.request('/api/open?x=1');
    expect(open.status).toBe(200);
    expect(open.headers.get('x-guarded')).toBeNull();
    // Exact paths, not prefixes: a path below a listed one is still guarded.
    expect((await app.request('/api/open/more')).status).toBe(401);
    expect((await app.request('/api/closed')).status).toBe(401);
  });

  it('runs the middleware, and then the route, everywhere else', async () => {
    const res = await app.request('/api/closed', { headers: { 'x-pass': 'yes' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('closed');
    expect(res.headers.get('x-guarded')).toBe('1');
  });
});
