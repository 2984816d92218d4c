import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. Defaults to 32768 (2^15, 32 MiB per hash). */
  N: number;
  /** Block size. Defaults to 8. */
  r: number;
  /** Parallelisation. Defaults to 3. */
  p: number;
}

/** OWASP's "N=2^15, r=8, p=3" row: as strong as N=2^17, p=1 with a quarter of the memory. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 3 });

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  // Node refuses jobs above `maxmem` (32 MiB by default), which N=2^15 with r=8 just exceeds.
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hashes a password with scrypt and a random 16-byte salt.
 * The result is self-describing: `scrypt$N$r$p$<salt base64url>$<hash base64url>`, so stored
 * hashes stay verifiable after the defaults change.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * // 'scrypt$32768$8$3$...$...'
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, params, KEY_LENGTH);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const valid = (x: number, max: number) => Number.isInteger(x) && x > 0 && x <= max;
  // Bounds keep a corrupted row from asking scrypt for gigabytes.
  if (!valid(N, 2 ** 20) || (N & (N - 1)) !== 0 || !valid(r, 32) || !valid(p, 16)) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const hash = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || hash.length === 0) return null;
  return { params: { N, r, p }, salt, hash };
}

/**
 * Checks a password against a stored `scrypt$…` hash in constant time.
 * Returns false (never throws) for a malformed stored hash.
 *
 * @example
 * await verifyPassword('correct horse battery staple', stored) // true
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * Spends the same time as `verifyPassword` for a user that does not exist, so response time
 * doesn't reveal which usernames are registered. Always resolves false.
 *
 * @example
 * const ok = user ? await verifyPassword(pw, user.password_hash) : await dummyVerifyPassword(pw);
 */
export async function dummyVerifyPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<false> {
  const key = `${params.N}$${params.r}$${params.p}`;
  let dummy = dummyHashes.get(key);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('hex'), params);
    dummyHashes.set(key, dummy);
  }
  await verifyPassword(password, await dummy);
  return false;
}
