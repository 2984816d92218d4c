import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorEnvelope, isErrorEnvelope, statusForErrorCode } from './index.js';

describe('error envelope', () => {
  it('maps every code to an HTTP status', () => {
    for (const code of ERROR_CODES) expect(statusForErrorCode(code)).toBeGreaterThanOrEqual(400);
    expect(statusForErrorCode('chat_unavailable')).toBe(503);
    expect(statusForErrorCode('payload_too_large')).toBe(413);
    expect(statusForErrorCode('rate_limited')).toBe(429);
  });

  it('builds and recognizes envelopes', () => {
    expect(errorEnvelope('not_found', 'Session not found')).toEqual({
      error: { code: 'not_found', message: 'Session not found' },
    });
    expect(isErrorEnvelope(errorEnvelope('bad_request', 'x', { a: 1 }))).toBe(true);
    expect(isErrorEnvelope({ error: { code: 'nope', message: 'x' } })).toBe(false);
    expect(isErrorEnvelope({ detail: 'x' })).toBe(false);
  });
});
