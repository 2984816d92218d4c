import { createHash, randomBytes } from 'node:crypto';

/** Every API key starts with this, so leaked keys are easy to spot in logs and by secret scanners. */
export const API_KEY_PREFIX = 'cs_';

/** Characters of a key shown in listings (`cs_` + 5): enough to tell keys apart, useless to an attacker. */
export const API_KEY_DISPLAY_LENGTH = 8;

/**
 * A new random session token: 32 random bytes, base64url (43 characters).
 *
 * @example
 * const token = generateSessionToken(); // store only hashToken(token)
 */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A new API key, `cs_` + base64url of 32 random bytes, with the prefix shown in listings.
 *
 * @example
 * const { key, prefix } = generateApiKey(); // key: 'cs_Xy…' (46 chars), prefix: 'cs_Xy12a'
 */
export function generateApiKey(): { key: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, API_KEY_DISPLAY_LENGTH) };
}

/**
 * SHA-256 of a token or key, hex. Tokens carry 256 random bits, so a fast unsalted hash is
 * enough: the database never holds anything that authenticates by itself.
 *
 * @example
 * hashToken('cs_abc') // 64 hex characters
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when a string has the shape of one of our API keys (cheap check before a database lookup). */
export function looksLikeApiKey(value: string): boolean {
  return /^cs_[A-Za-z0-9_-]{43}$/.test(value);
}
