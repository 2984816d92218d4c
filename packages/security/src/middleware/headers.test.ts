import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { corsAllowlist, parseOriginList, secureHeaders } from './index.js';

describe('secureHeaders', () => {
  it('sends a CSP without inline script and the other hardening headers', async () => {
    const app = new Hono().use(secureHeaders()).get('/', (c) => c.html('<p>hi</p>'));
    const res = await app.request('/');
    const csp = res.headers.get('content-security-policy')!;
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(csp).not.toContain("'unsafe-eval'");
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('adds HSTS and extra sources on request', async () => {
    const app = new Hono()
      .use(secureHeaders({ hsts: true, connectSrc: ['https://api.example'] }))
      .get('/', (c) => c.text('x'));
    const res = await app.request('/');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' https://api.example");
  });
});

describe('corsAllowlist', () => {
  const make = (origins?: string[]) => new Hono().use(corsAllowlist({ origins })).get('/api/x', (c) => c.text('x'));

  it('is off by default: no CORS headers for anyone', async () => {
    const res = await make().request('/api/x', { headers: { origin: 'https://a.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers allowlisted origins only, preflight included, without credentials', async () => {
    const app = make(parseOriginList('https://a.example, https://b.example/'));
    const ok = await app.request('/api/x', { headers: { origin: 'https://b.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    expect(ok.headers.get('access-control-expose-headers')).toContain('RateLimit');
    const preflight = await app.request('/api/x', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://a.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://a.example');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const other = await app.request('/api/x', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('parses CORS_ORIGINS', () => {
    expect(parseOriginList(undefined)).toEqual([]);
    expect(parseOriginList(' , ')).toEqual([]);
    expect(parseOriginList('https://a.example/, http://localhost:5173')).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
  });
});
