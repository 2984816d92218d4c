import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestAuth, type TestAuth } from '../../test/real-store.js';
import {
  ApiKeyNotFoundError,
  InvalidApiKeyNameError,
  InvalidCredentialsError,
  InvalidUsernameError,
  UserExistsError,
  UserNotFoundError,
  WeakPasswordError,
} from '../errors/index.js';
import { hashToken } from '../tokens/index.js';
import { LOCAL_USER } from './index.js';

let t: TestAuth;
beforeEach(async () => {
  t = await openTestAuth();
});
afterEach(async () => {
  await t.cleanup();
});

describe('createAuthService on a real store', () => {
  it('adds, lists, finds and deletes users; usernames are unique case-insensitively', async () => {
    const alice = await t.auth.addUser('alice', 'alice-password');
    expect(alice).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      username: 'alice',
      created_at: expect.any(String),
      role: 'admin',
    });
    expect(new Date(alice.created_at).toISOString()).toBe(alice.created_at);
    await expect(t.auth.addUser('ALICE', 'another-password')).rejects.toThrow(UserExistsError);
    await t.auth.addUser('bob', 'bob-password');
    expect((await t.auth.listUsers()).map((u) => u.username)).toEqual(['alice', 'bob']);
    expect((await t.auth.getUser('Alice')).id).toBe(alice.id);
    // The hash is scrypt, never the password.
    const row = await t.store.users.getById(alice.id);
    expect(row?.password_hash).toMatch(/^scrypt\$/);
    expect(row?.password_hash).not.toContain('alice-password');

    await t.auth.deleteUser('alice');
    expect((await t.auth.listUsers()).map((u) => u.username)).toEqual(['bob']);
    await expect(t.auth.deleteUser('alice')).rejects.toThrow(UserNotFoundError);
    await expect(t.auth.getUser('nobody')).rejects.toThrow(UserNotFoundError);
  });

  it('validates usernames and passwords', async () => {
    await expect(t.auth.addUser('bad name', 'long-enough')).rejects.toThrow(InvalidUsernameError);
    await expect(t.auth.addUser('', 'long-enough')).rejects.toThrow(InvalidUsernameError);
    await expect(t.auth.addUser('x'.repeat(65), 'long-enough')).rejects.toThrow(InvalidUsernameError);
    await expect(t.auth.addUser('carol', 'short')).rejects.toThrow(WeakPasswordError);
    await expect(t.auth.addUser('carol', 'x'.repeat(1025))).rejects.toThrow(WeakPasswordError);
    expect(await t.auth.listUsers()).toEqual([]);
  });

  it('logs in, authenticates the token, logs out', async () => {
    const alice = await t.auth.addUser('alice', 'alice-password');
    const before = Date.now();
    const { token, user, expiresAt } = await t.auth.login('Alice', 'alice-password');
    expect(user.id).toBe(alice.id);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 7 * 86_400_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
    // Only the hash is stored.
    const stored = await t.store.authSessions.getByTokenHash(hashToken(token));
    expect(stored?.user_id).toBe(alice.id);
    const all = await t.store.authSessions.listForUser(alice.id);
    expect(JSON.stringify(all)).not.toContain(token);

    expect(await t.auth.authenticateSessionToken(token)).toEqual({
      userId: alice.id,
      username: 'alice',
      via: 'cookie',
      role: 'admin',
    });
    expect(await t.auth.authenticateSessionToken(`${token}x`)).toBeNull();
    expect(await t.auth.authenticateSessionToken('')).toBeNull();
    await t.auth.logout(token);
    expect(await t.auth.authenticateSessionToken(token)).toBeNull();
  });

  it('rejects wrong passwords, unknown users and passwordless accounts with the same error', async () => {
    await t.auth.addUser('alice', 'alice-password');
    await t.auth.ensureLocalUser();
    const attempts: Array<[string, string]> = [
      ['alice', 'wrong-password'],
      ['nobody', 'alice-password'],
      [LOCAL_USER.username, ''],
      ['x'.repeat(5000), 'alice-password'],
    ];
    for (const [username, password] of attempts) {
      const err = await t.auth.login(username, password).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidCredentialsError);
      expect((err as Error).message).toBe('Invalid username or password');
    }
  });

  it('disabled users cannot log in and their sessions and keys stop working', async () => {
    const alice = await t.auth.addUser('alice', 'alice-password');
    const { token } = await t.auth.login('alice', 'alice-password');
    const { key } = await t.auth.createApiKey(alice.id, 'ci');
    await t.store.users.setDisabled(alice.id, true);
    await expect(t.auth.login('alice', 'alice-password')).rejects.toThrow(InvalidCredentialsError);
    expect(await t.auth.authenticateSessionToken(token)).toBeNull();
    expect(await t.auth.authenticateApiKey(key)).toBeNull();
  });

  it('sessions expire after sessionTtlMs', async () => {
    // The service's clock, moved by the test: with a real 50 ms TTL a loaded machine could take longer than that
    // from login to the first check, and the fresh session already read as expired.
    let clock = Date.now();
    t.auth = (await import('./index.js')).createAuthService({
      ...t.store,
      sessionTtlMs: 60_000,
      now: () => clock,
      scryptParams: { N: 1024, r: 8, p: 1 },
    });
    await t.auth.addUser('alice', 'alice-password');
    const { token } = await t.auth.login('alice', 'alice-password');
    clock += 59_000;
    expect(await t.auth.authenticateSessionToken(token)).not.toBeNull();
    clock += 1_000;
    expect(await t.auth.authenticateSessionToken(token)).toBeNull();
  });

  it('changing a password signs the user out everywhere', async () => {
    await t.auth.addUser('alice', 'alice-password');
    const a = await t.auth.login('alice', 'alice-password');
    const b = await t.auth.login('alice', 'alice-password');
    await t.auth.setPassword('alice', 'new-password-1');
    expect(await t.auth.authenticateSessionToken(a.token)).toBeNull();
    expect(await t.auth.authenticateSessionToken(b.token)).toBeNull();
    await expect(t.auth.login('alice', 'alice-password')).rejects.toThrow(InvalidCredentialsError);
    expect((await t.auth.login('alice', 'new-password-1')).user.username).toBe('alice');
    await expect(t.auth.setPassword('nobody', 'new-password-1')).rejects.toThrow(UserNotFoundError);
  });

  it('creates, lists, authenticates and revokes API keys per user', async () => {
    const alice = await t.auth.addUser('alice', 'alice-password');
    const bob = await t.auth.addUser('bob', 'bob-password');
    const { key, info } = await t.auth.createApiKey(alice.id, '  laptop  ');
    expect(key).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(info).toEqual({
      id: expect.any(String),
      name: 'laptop',
      prefix: key.slice(0, 8),
      created_at: expect.any(String),
      last_used_at: null,
    });

    const listed = await t.auth.listApiKeys(alice.id);
    expect(listed).toEqual([info]);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(JSON.stringify(listed)).not.toContain(hashToken(key));
    expect(await t.auth.listApiKeys(bob.id)).toEqual([]);

    expect(await t.auth.authenticateApiKey(key)).toEqual({
      userId: alice.id,
      username: 'alice',
      via: 'api_key',
      role: 'admin',
    });
    expect((await t.auth.listApiKeys(alice.id))[0]!.last_used_at).not.toBeNull();
    expect(await t.auth.authenticateApiKey(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).toBeNull();

    // Bob can't revoke Alice's key; Alice can, once.
    await expect(t.auth.revokeApiKey(bob.id, info.id)).rejects.toThrow(ApiKeyNotFoundError);
    expect(await t.auth.authenticateApiKey(key)).not.toBeNull();
    await t.auth.revokeApiKey(alice.id, info.id);
    expect(await t.auth.authenticateApiKey(key)).toBeNull();
    expect(await t.auth.listApiKeys(alice.id)).toEqual([]);
    await expect(t.auth.revokeApiKey(alice.id, info.id)).rejects.toThrow(ApiKeyNotFoundError);

    await expect(t.auth.createApiKey(alice.id, '   ')).rejects.toThrow(InvalidApiKeyNameError);
    await expect(t.auth.createApiKey('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'x')).rejects.toThrow(UserNotFoundError);
  });

  it('ensureLocalUser is idempotent and uses the fixed local id', async () => {
    const a = await t.auth.ensureLocalUser();
    const b = await t.auth.ensureLocalUser();
    expect(a).toEqual(b);
    expect(a.id).toBe(LOCAL_USER.id);
    expect(a.username).toBe('local');
  });

  it('deleting a user removes their sessions and keys', async () => {
    const alice = await t.auth.addUser('alice', 'alice-password');
    const { token } = await t.auth.login('alice', 'alice-password');
    const { key } = await t.auth.createApiKey(alice.id, 'k');
    await t.auth.deleteUser('alice');
    expect(await t.auth.authenticateSessionToken(token)).toBeNull();
    expect(await t.auth.authenticateApiKey(key)).toBeNull();
  });
});
