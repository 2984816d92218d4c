import { describe, expect, it } from 'vitest';
import { InvalidSecurityConfigError, UnsafeAuthModeError } from '../errors/index.js';
import { isLoopbackHost, resolveAuthMode } from './index.js';

const LOOPBACK = [
  '127.0.0.1',
  '127.0.0.2',
  '127.255.255.254',
  'localhost',
  'LOCALHOST',
  'app.localhost',
  '::1',
  '[::1]',
  '0:0:0:0:0:0:0:1',
  '::ffff:127.0.0.1',
];
const REMOTE = [
  '0.0.0.0',
  '::',
  '[::]',
  '192.168.1.10',
  '10.0.0.1',
  '128.0.0.1',
  '::ffff:10.0.0.1',
  'example.com',
  'localhost.example.com',
  '2001:db8::1',
  '',
];

describe('isLoopbackHost', () => {
  it.each(LOOPBACK)('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each(REMOTE)('%j is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('resolveAuthMode', () => {
  it.each([
    [undefined, '127.0.0.1', 'off'],
    ['', '127.0.0.1', 'off'],
    [undefined, 'localhost', 'off'],
    [undefined, '::1', 'off'],
    ['on', '127.0.0.1', 'on'],
    ['ON', '::1', 'on'],
    ['off', '127.0.0.1', 'off'],
    ['off', 'localhost', 'off'],
    [' Off ', '::1', 'off'],
    [undefined, '0.0.0.0', 'on'],
    [undefined, '::', 'on'],
    [undefined, '192.168.1.10', 'on'],
    ['on', '0.0.0.0', 'on'],
  ] as const)('AUTH=%j on %s → %s', (auth, host, expected) => {
    expect(resolveAuthMode({ auth, host })).toBe(expected);
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com'])('refuses AUTH=off on %s with a clear message', (host) => {
    expect(() => resolveAuthMode({ auth: 'off', host })).toThrow(UnsafeAuthModeError);
    expect(() => resolveAuthMode({ auth: 'off', host })).toThrow(
      /Refusing to start: AUTH=off .*HOST=127\.0\.0\.1.*AUTH=on/,
    );
  });

  it('rejects values other than on/off', () => {
    expect(() => resolveAuthMode({ auth: 'yes', host: '127.0.0.1' })).toThrow(InvalidSecurityConfigError);
    expect(() => resolveAuthMode({ auth: 'false', host: '0.0.0.0' })).toThrow(/AUTH must be "on" or "off"/);
  });
});
