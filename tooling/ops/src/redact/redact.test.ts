import { describe, expect, it } from 'vitest';
import { redactEnv, redactText, REDACTED } from './index.js';

describe('redactEnv', () => {
  it('removes values of secret-named variables and keeps the rest', () => {
    const { env, secrets } = redactEnv({
      OPENAI_API_KEY: 'sk-live-123',
      SESSION_SECRET: 'hunter2hunter2',
      DB_PASS: 'pw1234',
      AUTH_MODE: 'password',
      PORT: '5000',
    });
    expect(env).toEqual({
      AUTH_MODE: REDACTED,
      DB_PASS: REDACTED,
      OPENAI_API_KEY: REDACTED,
      PORT: '5000',
      SESSION_SECRET: REDACTED,
    });
    expect(secrets).toContain('hunter2hunter2');
  });

  it('removes API keys and URL passwords from innocent-looking names', () => {
    const { env } = redactEnv({ NOTE: 'use cs_abcdefgh12345678 here', PROXY: 'http://bob:s3cret@proxy:8080/x' });
    expect(env.NOTE).toBe(`use ${REDACTED} here`);
    expect(env.PROXY).toBe(`http://bob:${REDACTED}@proxy:8080/x`);
  });

  it('hides a DATABASE_URL password and returns it, decoded too, to scrub logs', () => {
    const { env, secrets } = redactEnv({ DATABASE_URL: 'postgres://chat:p%40ss-w0rd@db.internal:5432/chat' });
    expect(env.DATABASE_URL).toBe(`postgres://chat:${REDACTED}@db.internal:5432/chat`);
    expect(secrets).toEqual(expect.arrayContaining(['p%40ss-w0rd', 'p@ss-w0rd']));
    expect(redactText('auth failed, password p@ss-w0rd', secrets)).toBe(`auth failed, password ${REDACTED}`);
  });
});

describe('redactText', () => {
  it('scrubs known secret values and credential headers', () => {
    const text = '{"authorization":"Bearer abc.def"} token=hunter2hunter2 ok';
    const out = redactText(text, ['hunter2hunter2']);
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('hunter2hunter2');
    expect(out).toContain('ok');
  });
});
