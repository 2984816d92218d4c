import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/temp-store.js';
import { InvalidCursorError } from '../index.js';

describe('messages', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await openTempStore();
  });
  afterEach(() => t.cleanup());

  it('appends with defaults, bumps the session and reads back', async () => {
    const s = await t.store.sessions.create('u');
    const m = await t.store.messages.append('u', s.id, { role: 'user', content: 'hello' });
    expect(m).toMatchObject({ session_id: s.id, role: 'user', content: 'hello', status: 'complete', model_id: null, finish_reason: null });
    expect(await t.store.messages.get('u', m!.id)).toEqual(m);
    const after = await t.store.sessions.get('u', s.id);
    expect(after!.updated_at >= s.updated_at).toBe(true);
    expect(after!.message_count).toBe(1);

    const reply = await t.store.messages.append('u', s.id, {
      role: 'assistant', content: 'hi', status: 'partial', model_id: 'stories260K', prompt_tokens: 3,
      completion_tokens: 2, time_to_first_token_ms: 12.5, tokens_per_second: 800.25, finish_reason: 'abort',
    });
    expect(await t.store.messages.get('u', reply!.id)).toEqual(reply);
    expect(reply).toMatchObject({ status: 'partial', tokens_per_second: 800.25, finish_reason: 'abort' });
  });

  it('returns undefined when appending to a missing session', async () => {
    expect(await t.store.messages.append('u', '01ARZ3NDEKTSV4RRFFQ69G5FAV', { role: 'user', content: 'x' })).toBeUndefined();
  });

  it('updates content, status and stats; updates nothing for a missing id', async () => {
    const s = await t.store.sessions.create('u');
    const m = await t.store.messages.append('u', s.id, { role: 'assistant', content: 'Once', status: 'partial' });
    const u = await t.store.messages.update('u', m!.id, { content: 'Once upon a time', status: 'complete', completion_tokens: 4, finish_reason: 'stop' });
    expect(u).toMatchObject({ id: m!.id, content: 'Once upon a time', status: 'complete', completion_tokens: 4, finish_reason: 'stop', created_at: m!.created_at });
    expect(await t.store.messages.update('u', m!.id, {})).toEqual(u);
    expect(await t.store.messages.update('u', 'nope', { content: 'x' })).toBeUndefined();
  });

  it('rejects an invalid status at the database (CHECK constraint)', async () => {
    const s = await t.store.sessions.create('u');
    await expect(t.store.messages.append('u', s.id, { role: 'user', content: 'x', status: 'weird' as 'complete' })).rejects.toThrow(/CHECK/);
    expect((await t.store.sessions.get('u', s.id))!.message_count).toBe(0);
  });

  it('deletes one message', async () => {
    const s = await t.store.sessions.create('u');
    const m = await t.store.messages.append('u', s.id, { role: 'user', content: 'x' });
    expect(await t.store.messages.delete('u', m!.id)).toBe(true);
    expect(await t.store.messages.delete('u', m!.id)).toBe(false);
    expect(await t.store.messages.get('u', m!.id)).toBeUndefined();
  });

  it('pages in both directions without duplicates or skips', async () => {
    const s = await t.store.sessions.create('u');
    const other = await t.store.sessions.create('u');
    const ids: string[] = [];
    for (let i = 0; i < 37; i++) {
      ids.push((await t.store.messages.append('u', s.id, { role: i % 2 ? 'assistant' : 'user', content: `m${i}` }))!.id);
      await t.store.messages.append('u', other.id, { role: 'user', content: `other ${i}` });
    }
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.store.messages.list('u', s.id, { limit: 10, order, cursor });
        expect(page!.items.length).toBeLessThanOrEqual(10);
        seen.push(...page!.items.map((m) => m.id));
        cursor = page!.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(order === 'asc' ? ids : [...ids].reverse());
    }
    // Default order is oldest first; an exact multiple of the limit has no dangling empty page.
    const exact = await t.store.messages.list('u', s.id, { limit: 37 });
    expect(exact!.items.map((m) => m.id)).toEqual(ids);
    expect(exact!.next_cursor).toBeNull();
  });

  it('keeps cursors direction-specific and rejects garbage', async () => {
    const s = await t.store.sessions.create('u');
    for (let i = 0; i < 3; i++) await t.store.messages.append('u', s.id, { role: 'user', content: `${i}` });
    const asc = await t.store.messages.list('u', s.id, { limit: 1 });
    await expect(t.store.messages.list('u', s.id, { order: 'desc', cursor: asc!.next_cursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(t.store.messages.list('u', s.id, { cursor: 'not a cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(t.store.messages.list('u', s.id, { cursor: Buffer.from('["ma",-1]').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('cascades a session delete to its messages and their search rows', async () => {
    const s = await t.store.sessions.create('u');
    const keep = await t.store.sessions.create('u');
    await t.store.messages.append('u', s.id, { role: 'user', content: 'pineapple smoothie' });
    await t.store.messages.append('u', keep.id, { role: 'user', content: 'pineapple pizza' });
    expect((await t.store.search('u', 'pineapple')).items).toHaveLength(2);
    await t.store.sessions.delete('u', s.id);
    const raw = t.store.db;
    const { sql } = await import('kysely');
    const count = async (q: string) => Number((await sql<{ n: number }>`${sql.raw(q)}`.execute(raw)).rows[0]!.n);
    expect(await count('SELECT count(*) AS n FROM chat_messages')).toBe(1);
    // Against the index itself: the external-content index must have dropped the deleted row's terms.
    expect(await count(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'smoothie'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'pineapple'`)).toBe(1);
    expect((await t.store.maintenance.integrityCheck()).ok).toBe(true);
    await sql`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`.execute(raw);
  });
});
