import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/temp-store.js';

describe('user scoping', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
  });
  afterEach(() => t.cleanup());

  it("treats another user's session and messages as nonexistent and leaves them unchanged", async () => {
    const { store } = t;
    const s = await store.sessions.create('alice', { title: 'Secret plans', settings: { system_prompt: 'private' } });
    const m = await store.messages.append('alice', s.id, { role: 'user', content: 'the zeppelin launches at dawn' });
    const before = { session: await store.sessions.get('alice', s.id), messages: await store.messages.list('alice', s.id) };

    expect(await store.sessions.get('bob', s.id)).toBeUndefined();
    expect((await store.sessions.list('bob')).items).toEqual([]);
    expect((await store.sessions.list('bob', { archived: true })).items).toEqual([]);
    expect(await store.sessions.update('bob', s.id, { title: 'pwned', archived: true })).toBeUndefined();
    expect(await store.sessions.delete('bob', s.id)).toBe(false);

    expect(await store.messages.append('bob', s.id, { role: 'user', content: 'injected' })).toBeUndefined();
    expect(await store.messages.get('bob', m!.id)).toBeUndefined();
    expect(await store.messages.list('bob', s.id)).toBeUndefined();
    expect(await store.messages.list('bob', s.id, { order: 'desc' })).toBeUndefined();
    expect(await store.messages.update('bob', m!.id, { content: 'overwritten' })).toBeUndefined();
    expect(await store.messages.delete('bob', m!.id)).toBe(false);
    expect((await store.search('bob', 'zeppelin')).items).toEqual([]);
    expect((await store.search('bob', 'injected')).items).toEqual([]);

    expect(await store.sessions.get('alice', s.id)).toEqual(before.session);
    expect(await store.messages.list('alice', s.id)).toEqual(before.messages);
    expect((await store.search('alice', 'zeppelin')).items.map((h) => h.message_id)).toEqual([m!.id]);
    expect((await store.maintenance.stats()).messages).toBe(1);
  });

  it("search only returns the caller's messages", async () => {
    const a = await t.store.sessions.create('alice');
    const b = await t.store.sessions.create('bob');
    await t.store.messages.append('alice', a.id, { role: 'user', content: 'shared word marmalade' });
    await t.store.messages.append('bob', b.id, { role: 'user', content: 'marmalade too' });
    const hits = (await t.store.search('bob', 'marmalade')).items;
    expect(hits).toHaveLength(1);
    expect(hits[0]!.session_id).toBe(b.id);
  });
});
