import { describe, expect, it } from 'vitest';
import { API_KEY_DISPLAY_LENGTH, generateApiKey, generateSessionToken, hashToken, looksLikeApiKey } from './index.js';

describe('tokens', () => {
  it('session tokens are 32 random bytes in base64url', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateSessionToken));
    expect(tokens.size).toBe(100);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    }
  });

  it('API keys are cs_ + base64url(32 bytes) with a short display prefix', () => {
    const { key, prefix } = generateApiKey();
    expect(key).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(prefix).toBe(key.slice(0, API_KEY_DISPLAY_LENGTH));
    expect(prefix).toHaveLength(8);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey(key.slice(0, -1))).toBe(false);
    expect(looksLikeApiKey(`sk_${key.slice(3)}`)).toBe(false);
    expect(generateApiKey().key).not.toBe(key);
  });

  it('hashes tokens with SHA-256 (known vector), deterministically and distinctly', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const { key } = generateApiKey();
    expect(hashToken(key)).toBe(hashToken(key));
    expect(hashToken(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(key)).not.toBe(hashToken(`${key}x`));
    expect(hashToken(key)).not.toContain(key);
  });
});
