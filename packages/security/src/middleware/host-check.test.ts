import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { readSecurityConfig } from '../config/index.js';
import { hostCheck, hostName, parseHostList } from './host-check.js';

function app(allowedHosts: string[] = []) {
  const a = new Hono();
  a.onError((err, c) => c.json({ code: (err as { code?: string }).code, message: err.message }, 403));
  a.use(hostCheck({ allowedHosts }));
  a.get('/x', (c) => c.text('ok'));
  return a;
}
/** Like @hono/node-server: the raw Host header is on the incoming request. */
const withHost = (a: Hono, host: string) =>
  a.request('http://127.0.0.1:5000/x', { headers: { host } }, { incoming: { headers: { host } } });

describe('hostCheck', () => {
  it('parses host names without ports', () => {
    expect(hostName('evil.example:5000')).toBe('evil.example');
    expect(hostName('[::1]:5000')).toBe('::1');
    expect(hostName('LOCALHOST')).toBe('localhost');
    expect(hostName(':5000')).toBe('');
    expect(parseHostList(' chat.example.com, Other.example:443 ,')).toEqual(['chat.example.com', 'other.example']);
  });

  it('accepts loopback names and refuses every other host, an empty one included', async () => {
    for (const host of ['localhost:5000', '127.0.0.1:5000', '127.8.9.10', '[::1]:5000', 'localhost']) {
      expect((await withHost(app(), host)).status, host).toBe(200);
    }
    for (const host of ['evil.example:5000', ':5000', '', '10.0.0.5:5000', '0.0.0.0:5000', 'localhost.evil.example']) {
      const res = await withHost(app(), host);
      expect(res.status, host).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('forbidden');
    }
  });

  it('accepts the names in ALLOWED_HOSTS, any port', async () => {
    const a = app(['chat.example.com']);
    expect((await withHost(a, 'chat.example.com')).status).toBe(200);
    expect((await withHost(a, 'CHAT.example.com:8443')).status).toBe(200);
    expect((await withHost(a, 'chat.example.com.evil.example')).status).toBe(403);
  });

  it('answers the same on one app when hosts repeat, past the remembered ones, and never remembers a refusal', async () => {
    const a = app();
    for (let round = 0; round < 2; round++) {
      // More loopback spellings than hostCheck remembers: each is still accepted after it starts over.
      for (let i = 0; i < 100; i++) expect((await withHost(a, `127.0.0.${i}:5000`)).status).toBe(200);
      for (const host of ['evil.example:5000', 'evil.example:5000', ''])
        expect((await withHost(a, host)).status).toBe(403);
      expect((await withHost(a, 'localhost:5000')).status).toBe(200);
    }
  });

  it('is on with AUTH=off always and with AUTH=on only once ALLOWED_HOSTS is set', () => {
    expect(readSecurityConfig({}, '127.0.0.1').checkHost).toBe(true);
    expect(readSecurityConfig({ AUTH: 'on' }, '127.0.0.1').checkHost).toBe(false);
    expect(readSecurityConfig({ AUTH: 'on', ALLOWED_HOSTS: 'chat.example.com' }, '0.0.0.0')).toMatchObject({
      checkHost: true,
      allowedHosts: ['chat.example.com'],
    });
  });
});
