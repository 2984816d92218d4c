import { describe, expect, it } from 'vitest';
import { InvalidSecurityConfigError, UnsafeAuthModeError } from '../errors/index.js';
import { readSecurityConfig } from './index.js';

describe('readSecurityConfig', () => {
  it('uses the defaults on loopback: no chat limit for the single local user', () => {
    expect(readSecurityConfig({}, '127.0.0.1')).toEqual({
      authMode: 'off',
      rates: { chat: 'off', api: '300/minute', login: '10/15minutes' },
      trustProxy: false,
      corsOrigins: [],
      allowedHosts: [],
      checkHost: true,
    });
  });

  it('keeps 5 chats a minute with AUTH on, and an explicit RATE_LIMIT_CHAT either way', () => {
    expect(readSecurityConfig({ AUTH: 'on' }, '127.0.0.1').rates.chat).toBe('5/minute');
    expect(readSecurityConfig({}, '0.0.0.0').rates.chat).toBe('5/minute');
    expect(readSecurityConfig({ RATE_LIMIT_CHAT: '5/minute' }, '127.0.0.1').rates.chat).toBe('5/minute');
  });

  it('reads every variable', () => {
    const env = {
      AUTH: 'on',
      RATE_LIMIT_CHAT: '10/minute',
      RATE_LIMIT_API: 'off',
      RATE_LIMIT_LOGIN: '5/hour',
      TRUST_PROXY: '2',
      CORS_ORIGINS: 'https://a.example,https://b.example',
    };
    expect(readSecurityConfig(env, '0.0.0.0')).toEqual({
      authMode: 'on',
      rates: { chat: '10/minute', api: 'off', login: '5/hour' },
      trustProxy: 2,
      corsOrigins: ['https://a.example', 'https://b.example'],
      allowedHosts: [],
      checkHost: false,
    });
    expect(readSecurityConfig({ TRUST_PROXY: 'true' }, '::1').trustProxy).toBe(true);
  });

  it('fails fast on unsafe or invalid settings', () => {
    expect(() => readSecurityConfig({ AUTH: 'off' }, '0.0.0.0')).toThrow(UnsafeAuthModeError);
    expect(() => readSecurityConfig({ RATE_LIMIT_CHAT: 'lots' }, '127.0.0.1')).toThrow(InvalidSecurityConfigError);
    expect(() => readSecurityConfig({ TRUST_PROXY: 'maybe' }, '127.0.0.1')).toThrow(/TRUST_PROXY/);
  });
});
