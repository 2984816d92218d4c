import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, dummyVerifyPassword, hashPassword, verifyPassword } from './index.js';

describe('scrypt password hashing', () => {
  it('hashes with the default params into a self-describing string and verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const parts = stored.split('$');
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual([
      'scrypt',
      String(DEFAULT_SCRYPT_PARAMS.N),
      String(DEFAULT_SCRYPT_PARAMS.r),
      String(DEFAULT_SCRYPT_PARAMS.p),
    ]);
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64url')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
  });

  it('salts: the same password hashes differently each time, and both verify', async () => {
    const params = { N: 1024, r: 8, p: 1 };
    const a = await hashPassword('same password', params);
    const b = await hashPassword('same password', params);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('verifies with the params stored in the hash, not the current defaults', async () => {
    const old = await hashPassword('pässwörd-ü', { N: 2048, r: 4, p: 2 });
    expect(old.startsWith('scrypt$2048$4$2$')).toBe(true);
    expect(await verifyPassword('pässwörd-ü', old)).toBe(true);
    // NFC and NFD spellings of the same text are the same password.
    expect(await verifyPassword('pässwörd-ü'.normalize('NFD'), old)).toBe(true);
  });

  it('returns false for malformed or hostile stored hashes instead of throwing', async () => {
    for (const bad of [
      '',
      'plain',
      'bcrypt$1$2$3$4$5',
      'scrypt$1000$8$1$c2FsdA$aGFzaA',
      'scrypt$1073741824$8$1$c2FsdA$aGFzaA',
      'scrypt$1024$8$1$$',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });

  it('dummy verify always fails, through the same scrypt verify as a real account', async () => {
    // Its cost equals a real verify by construction (same function, same parameters); timing is
    // for benchmarks, not tests, on this shared machine.
    expect(await dummyVerifyPassword('wrong guess')).toBe(false);
    expect(await dummyVerifyPassword('')).toBe(false);
  });
});
