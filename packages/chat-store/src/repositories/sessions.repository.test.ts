import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/temp-store.js';
import { InvalidCursorError } from '../index.js';

describe('sessions', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
  });
  afterEach(() => t.cleanup());

  it('creates with defaults and reads back with message_count', async () => {
    const s = await t.store.sessions.create('u');
    expect(s).toMatchObject({ title: 'New chat', pinned: false, archived: false, settings: {}, message_count: 0 });
    expect(s.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Date(s.created_at).toISOString()).toBe(s.created_at);

    const settings = { system_prompt: 'Be brief.', temperature: 0.2, max_tokens: 64, stop: ['\n\n'] };
    const full = await t.store.sessions.create('u', { title: '  Trip  ', pinned: true, settings });
    await t.store.messages.append('u', full.id, { role: 'user', content: 'a' });
    await t.store.messages.append('u', full.id, { role: 'assistant', content: 'b' });
    const got = await t.store.sessions.get('u', full.id);
    expect(got).toMatchObject({ title: 'Trip', pinned: true, archived: false, settings, message_count: 2 });
  });

  it('updates fields, replaces settings and bumps updated_at', async () => {
    const s = await t.store.sessions.create('u', { settings: { temperature: 1 } });
    const u = await t.store.sessions.update('u', s.id, { title: 'Renamed', pinned: true, archived: true, settings: { top_k: 5 } });
    expect(u).toMatchObject({ title: 'Renamed', pinned: true, archived: true, settings: { top_k: 5 } });
    expect(Date.parse(u!.updated_at)).toBeGreaterThan(Date.parse(s.updated_at));
    const again = await t.store.sessions.update('u', s.id, {});
    expect(Date.parse(again!.updated_at)).toBeGreaterThan(Date.parse(u!.updated_at));
    expect(await t.store.sessions.update('u', 'missing', { title: 'x' })).toBeUndefined();
  });

  it('deletes and reports whether anything was deleted', async () => {
    const s = await t.store.sessions.create('u');
    expect(await t.store.sessions.delete('u', s.id)).toBe(true);
    expect(await t.store.sessions.delete('u', s.id)).toBe(false);
    expect(await t.store.sessions.get('u', s.id)).toBeUndefined();
  });

  it('lists newest activity first and pages without duplicates or skips', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await t.store.sessions.create('u', { title: `s${i}` })).id);
    // Same-millisecond updated_at values are common here: the id tie-breaker must keep paging exact.
    // Activity is ordered by millisecond, so the bump must land in a later millisecond to come first.
    await new Promise((r) => setTimeout(r, 3));
    await t.store.messages.append('u', ids[3]!, { role: 'user', content: 'bump' });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await t.store.sessions.list('u', { limit: 5, cursor });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    expect(seen[0]).toBe(ids[3]);
    const all = (await t.store.sessions.list('u', { limit: 100 })).items;
    expect(all.map((s) => s.id)).toEqual(seen);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.updated_at >= all[i]!.updated_at).toBe(true);
  });

  it('filters by archived (default false) and pinned', async () => {
    const a = await t.store.sessions.create('u', { title: 'plain' });
    const p = await t.store.sessions.create('u', { title: 'pinned', pinned: true });
    const z = await t.store.sessions.create('u', { title: 'archived' });
    await t.store.sessions.update('u', z.id, { archived: true });
    const ids = async (o: Parameters<typeof t.store.sessions.list>[1]) => (await t.store.sessions.list('u', o)).items.map((s) => s.id).sort();
    expect(await ids({})).toEqual([a.id, p.id].sort());
    expect(await ids({ archived: true })).toEqual([z.id]);
    expect(await ids({ pinned: true })).toEqual([p.id]);
    expect(await ids({ pinned: false })).toEqual([a.id]);
  });

  it('rejects malformed and foreign cursors with InvalidCursorError', async () => {
    for (const bad of ['!!!', 'abc', Buffer.from('["md",5]').toString('base64url'), Buffer.from('["s","x","y"]').toString('base64url'), '']) {
      await expect(t.store.sessions.list('u', { cursor: bad })).rejects.toBeInstanceOf(InvalidCursorError);
    }
  });
});
