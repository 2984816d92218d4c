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
    expect(env).toEqual({ AUTH_MODE: REDACTED, DB_PASS: REDACTED, OPENAI_API_KEY: REDACTED, PORT: '5000', SESSION_SECRET: REDACTED });
    expect(secrets).toContain('hunter2hunter2');
  });

  it('removes API keys and URL passwords from innocent-looking names', () => {
    const { env } = redactEnv({ NOTE: 'use cs_abcdefgh12345678 here', PROXY: 'http://bob:s3cret@proxy:8080/x' });
    expect(env.NOTE).toBe(`use ${REDACTED} here`);
    expect(env.PROXY).toBe(`http://bob:${REDACTED}@proxy:8080/x`);
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
