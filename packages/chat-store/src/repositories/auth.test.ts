import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/temp-store.js';
import { DuplicateError } from '../index.js';

describe('users, auth sessions and api keys', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
  });
  afterEach(() => t.cleanup());

  it('creates users with case-insensitive unique usernames', async () => {
    const u = await t.store.users.create({ username: 'Alice', password_hash: 'h1' });
    expect(u).toMatchObject({ username: 'Alice', password_hash: 'h1', disabled: 0 });
    expect(await t.store.users.getByUsername('alice')).toEqual(u);
    expect(await t.store.users.getById(u.id)).toEqual(u);
    await expect(t.store.users.create({ username: 'ALICE', password_hash: 'x' })).rejects.toBeInstanceOf(DuplicateError);
    expect(await t.store.users.setPasswordHash(u.id, 'h2')).toBe(true);
    expect((await t.store.users.getById(u.id))!.password_hash).toBe('h2');
    expect(await t.store.users.setDisabled(u.id, true)).toBe(true);
    expect((await t.store.users.getById(u.id))!.disabled).toBe(1);
    expect(await t.store.users.setPasswordHash('nobody', 'h')).toBe(false);
    expect((await t.store.users.list()).map((x) => x.id)).toEqual([u.id]);
  });

  it('ensure is idempotent', async () => {
    const a = await t.store.users.ensure('local', 'local');
    const b = await t.store.users.ensure('local', 'local');
    expect(a).toEqual(b);
    expect(a.password_hash).toBeNull();
    expect(await t.store.users.list()).toHaveLength(1);
  });

  it('deleting a user removes their chats, auth sessions and keys only', async () => {
    const alice = await t.store.users.create({ username: 'alice', password_hash: 'h' });
    const bob = await t.store.users.create({ username: 'bob', password_hash: 'h' });
    const s = await t.store.sessions.create(alice.id);
    await t.store.messages.append(alice.id, s.id, { role: 'user', content: 'goodbye world' });
    const bs = await t.store.sessions.create(bob.id);
    await t.store.authSessions.create({ user_id: alice.id, token_hash: 't1', expires_at: Date.now() + 60_000 });
    await t.store.apiKeys.create({ user_id: alice.id, name: 'cli', prefix: 'cs_ab', key_hash: 'k1' });
    expect(await t.store.users.delete(alice.id)).toBe(true);
    expect(await t.store.users.delete(alice.id)).toBe(false);
    expect(await t.store.sessions.get(alice.id, s.id)).toBeUndefined();
    expect(await t.store.authSessions.getByTokenHash('t1')).toBeUndefined();
    expect(await t.store.apiKeys.getByHash('k1')).toBeUndefined();
    expect((await t.store.search(alice.id, 'goodbye')).items).toEqual([]);
    expect(await t.store.sessions.get(bob.id, bs.id)).toBeDefined();
    expect(await t.store.maintenance.stats()).toMatchObject({ sessions: 1, messages: 0, users: 1 });
  });

  it('auth sessions: lookup ignores revoked and expired; touch, revoke, cleanup', async () => {
    const u = await t.store.users.create({ username: 'u', password_hash: 'h' });
    const live = await t.store.authSessions.create({ user_id: u.id, token_hash: 'live', expires_at: Date.now() + 60_000 });
    await t.store.authSessions.create({ user_id: u.id, token_hash: 'old', expires_at: Date.now() - 1 });
    expect(await t.store.authSessions.getByTokenHash('live')).toEqual(live);
    expect(await t.store.authSessions.getByTokenHash('old')).toBeUndefined();
    await expect(t.store.authSessions.create({ user_id: u.id, token_hash: 'live', expires_at: 1 })).rejects.toBeInstanceOf(DuplicateError);
    await expect(t.store.authSessions.create({ user_id: 'ghost', token_hash: 'g', expires_at: Date.now() + 1000 })).rejects.toThrow(/FOREIGN KEY/);

    const later = Date.now() + 120_000;
    await new Promise((r) => setTimeout(r, 2));
    expect(await t.store.authSessions.touch(live.id, later)).toBe(true);
    const touched = (await t.store.authSessions.getByTokenHash('live'))!;
    expect(touched.expires_at).toBe(later);
    expect(touched.last_seen_at).toBeGreaterThan(live.last_seen_at);

    expect(await t.store.authSessions.revoke(live.id)).toBe(true);
    expect(await t.store.authSessions.revoke(live.id)).toBe(false);
    expect(await t.store.authSessions.getByTokenHash('live')).toBeUndefined();

    const a = await t.store.authSessions.create({ user_id: u.id, token_hash: 'a', expires_at: Date.now() + 60_000 });
    await t.store.authSessions.create({ user_id: u.id, token_hash: 'b', expires_at: Date.now() + 60_000 });
    // The expired-but-unrevoked "old" session counts too.
    expect(await t.store.authSessions.revokeAllForUser(u.id)).toBe(3);
    expect(await t.store.authSessions.getByTokenHash(a.token_hash)).toBeUndefined();
    expect(await t.store.authSessions.deleteExpired()).toBe(4);
    expect(await t.store.authSessions.listForUser(u.id)).toEqual([]);
  });

  it('api keys: lookup by hash, list, revoke scoped by user, touch', async () => {
    const u = await t.store.users.create({ username: 'u', password_hash: 'h' });
    const other = await t.store.users.create({ username: 'other', password_hash: 'h' });
    const k = await t.store.apiKeys.create({ user_id: u.id, name: 'laptop', prefix: 'cs_12ab', key_hash: 'kh' });
    expect(await t.store.apiKeys.getByHash('kh')).toEqual(k);
    await expect(t.store.apiKeys.create({ user_id: u.id, name: 'dup', prefix: 'x', key_hash: 'kh' })).rejects.toBeInstanceOf(DuplicateError);
    expect(await t.store.apiKeys.touch(k.id)).toBe(true);
    expect((await t.store.apiKeys.getByHash('kh'))!.last_used_at).toBeTypeOf('number');
    expect((await t.store.apiKeys.listForUser(u.id)).map((x) => x.id)).toEqual([k.id]);
    expect(await t.store.apiKeys.listForUser(other.id)).toEqual([]);
    expect(await t.store.apiKeys.revoke(other.id, k.id)).toBe(false);
    expect(await t.store.apiKeys.getByHash('kh')).toBeDefined();
    expect(await t.store.apiKeys.revoke(u.id, k.id)).toBe(true);
    expect(await t.store.apiKeys.getByHash('kh')).toBeUndefined();
    expect(await t.store.apiKeys.listForUser(u.id)).toEqual([]);
  });
});
