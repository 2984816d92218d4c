import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/temp-store.js';
import { InvalidCursorError } from '../index.js';

describe('search', () => {
  let t: TempStore;
  let sessionId: string;
  beforeAll(async () => {
    t = await openTempStore();
    const s = await t.store.sessions.create('u', { title: 'Travel' });
    sessionId = s.id;
    const texts = [
      'We visited the café in Zürich and ordered crème brûlée',
      '東京 is the capital of Japan; 東京タワー is tall',
      'I love 🍕 pizza with pineapple 🙂',
      'The quick brown fox jumps over the lazy dog',
      'Foxes are quick; the fox is quicker than the dog',
      'Meeting notes: NEAR the office, AND/OR the park - not decided',
      'Key:value pairs like a:b are common in config files',
      'Naïve résumé façade',
    ];
    for (const content of texts) await t.store.messages.append('u', s.id, { role: 'user', content });
  });
  afterAll(() => t.cleanup());

  it('never throws for hostile or unicode input', async () => {
    const hostile = [
      '"', '""', '"unterminated', '*', '**', 'fox*', '(', ')', '()', 'NEAR(', 'NEAR(fox dog, 2)', 'AND', 'OR', 'NOT',
      'fox AND', 'OR dog', '-foo', '--', 'a:b', 'content:fox', 'session_id:x', '^fox', '^', '{content}: fox', '+', '.',
      '🍕', '🙂🙂', '東京', 'タワー', 'creme brulee', 'ZÜRICH', '\u0000', "'; DROP TABLE chat_messages; --", '\\', ' ',
      'x'.repeat(2000), 'fox '.repeat(200),
    ];
    for (const q of hostile) {
      const page = await t.store.search('u', q);
      expect(Array.isArray(page.items)).toBe(true);
    }
    expect((await t.store.maintenance.stats()).messages).toBe(8);
  });

  it('finds words, ranks by bm25 and highlights matches in a plain snippet', async () => {
    const page = await t.store.search('u', 'fox dog');
    expect(page.items.length).toBe(2);
    for (const hit of page.items) {
      expect(hit.session_id).toBe(sessionId);
      expect(hit.session_title).toBe('Travel');
      expect(hit.role).toBe('user');
      expect(hit.snippet).not.toMatch(/[\uE000\uE001]/);
      expect(hit.highlights.length).toBeGreaterThan(0);
      for (const [a, b] of hit.highlights) expect(hit.snippet.slice(a, b).toLowerCase()).toMatch(/^(fox|foxes|dog)$/);
      expect(new Date(hit.created_at).toISOString()).toBe(hit.created_at);
    }
    // bm25: lower is better; the list is in rank order.
    expect(page.items[0]!.rank).toBeLessThanOrEqual(page.items[1]!.rank);
  });

  it('folds accents both ways (remove_diacritics 2) and case', async () => {
    expect((await t.store.search('u', 'creme brulee')).items).toHaveLength(1);
    expect((await t.store.search('u', 'ZURICH')).items).toHaveLength(1);
    expect((await t.store.search('u', 'naive resume facade')).items).toHaveLength(1);
    const hit = (await t.store.search('u', 'zurich')).items[0]!;
    expect(hit.snippet.slice(...hit.highlights[0]!)).toBe('Zürich');
  });

  it('matches the last word as a prefix, and syntax words as plain words', async () => {
    expect((await t.store.search('u', 'pinea')).items).toHaveLength(1);
    expect((await t.store.search('u', 'quick')).items).toHaveLength(2);
    expect((await t.store.search('u', 'NEAR office')).items).toHaveLength(1);
    expect((await t.store.search('u', 'a:b')).items).toHaveLength(1);
    expect((await t.store.search('u', '東京')).items).toHaveLength(1);
  });

  it('returns an empty page when the query has no words', async () => {
    expect(await t.store.search('u', '🍕')).toEqual({ items: [], next_cursor: null });
    expect(await t.store.search('u', '"()*')).toEqual({ items: [], next_cursor: null });
  });

  it('pages with an opaque cursor without duplicates or skips', async () => {
    const all = (await t.store.search('u', 'the', { limit: 100 })).items.map((h) => h.message_id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.store.search('u', 'the', { limit: 2, cursor });
      seen.push(...page.items.map((h) => h.message_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
    await expect(t.store.search('u', 'the', { cursor: 'bogus!' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('stays in sync after update and delete', async () => {
    const s = await t.store.sessions.create('u');
    const m = await t.store.messages.append('u', s.id, { role: 'assistant', content: 'walrus', status: 'partial' });
    expect((await t.store.search('u', 'walrus')).items.map((h) => h.message_id)).toEqual([m!.id]);
    await t.store.messages.update('u', m!.id, { content: 'narwhal tusk', status: 'complete' });
    expect((await t.store.search('u', 'walrus')).items).toHaveLength(0);
    expect((await t.store.search('u', 'narwhal')).items.map((h) => h.message_id)).toEqual([m!.id]);
    // A status-only update must not drop the message from the index.
    await t.store.messages.update('u', m!.id, { status: 'error' });
    expect((await t.store.search('u', 'narwhal')).items).toHaveLength(1);
    await t.store.messages.delete('u', m!.id);
    expect((await t.store.search('u', 'narwhal')).items).toHaveLength(0);
    await t.store.maintenance.rebuildSearchIndex();
    expect((await t.store.search('u', 'narwhal')).items).toHaveLength(0);
    expect((await t.store.search('u', 'pineapple')).items).toHaveLength(1);
  });
});

describe('search window', () => {
  it('ranks only the newest matches and pins the window in the cursor', async () => {
    const t = await openTempStore({ searchWindow: 5 });
    try {
      const s = await t.store.sessions.create('u');
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        // Older messages repeat the word, so bm25 alone would prefer them: the window must still exclude them.
        const content = i < 7 ? 'lantern lantern lantern lantern' : `a lantern in message ${i}`;
        ids.push((await t.store.messages.append('u', s.id, { role: 'user', content }))!.id);
      }
      const first = await t.store.search('u', 'lantern', { limit: 3 });
      expect(first.items).toHaveLength(3);
      await t.store.messages.append('u', s.id, { role: 'user', content: 'lantern added between pages' });
      const second = await t.store.search('u', 'lantern', { limit: 3, cursor: first.next_cursor! });
      expect(second.items).toHaveLength(2);
      expect(second.next_cursor).toBeNull();
      const seen = [...first.items, ...second.items].map((h) => h.message_id);
      expect(seen.sort()).toEqual(ids.slice(7).sort());
    } finally {
      await t.cleanup();
    }
  });
});
