/**
 * The store's behaviour, whatever the engine: one suite that the SQLite and the PostgreSQL test files both run.
 * Engine-specific checks (pragmas, FTS5 internals, WAL, pg_dump) stay in those files.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError, InvalidCursorError, type ChatStore, type ChatStoreOptions } from '../src/index.js';

export interface SuiteStore {
  store: ChatStore;
  /** Closes the store and removes its database. */
  cleanup(): Promise<void>;
}

export interface StoreSuiteHooks {
  /** Opens a store on a fresh, empty database. */
  open(options?: Pick<ChatStoreOptions, 'searchWindow'>): Promise<SuiteStore>;
  /** Makes a backup of `store` with `maintenance.backup` and opens the copy as a store. */
  backupAndOpenCopy(store: ChatStore): Promise<SuiteStore>;
}

/**
 * Registers the shared store tests under `describe(name)`.
 *
 * @example
 * describeStoreSuite('sqlite', { open: () => openTempStore(), backupAndOpenCopy: ... });
 */
export function describeStoreSuite(name: string, hooks: StoreSuiteHooks): void {
  describe(`${name} store`, () => {
    let t: SuiteStore;
    const fresh = () => {
      beforeEach(async () => {
        t = await hooks.open();
      });
      afterEach(() => t.cleanup());
    };

    describe('sessions', () => {
      fresh();

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
        const u = await t.store.sessions.update('u', s.id, {
          title: 'Renamed',
          pinned: true,
          archived: true,
          settings: { top_k: 5 },
        });
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
        const ids = async (o: Parameters<typeof t.store.sessions.list>[1]) =>
          (await t.store.sessions.list('u', o)).items.map((s) => s.id).sort();
        expect(await ids({})).toEqual([a.id, p.id].sort());
        expect(await ids({ archived: true })).toEqual([z.id]);
        expect(await ids({ pinned: true })).toEqual([p.id]);
        expect(await ids({ pinned: false })).toEqual([a.id]);
      });

      it('gives listJson the very bytes of JSON.stringify(list), page by page and for every filter', async () => {
        const odd = await t.store.sessions.create('u', {
          title: 'quotes " \\ back\nslash, emoji 😀 and \u2028',
          pinned: true,
          settings: { system_prompt: 'Be "brief"', temperature: 0.5 },
        });
        await t.store.messages.append('u', odd.id, { role: 'user', content: 'counted' });
        for (let i = 0; i < 6; i++) await t.store.sessions.create('u', { title: `plain ${i}` });
        const z = await t.store.sessions.create('u', { title: 'archived' });
        await t.store.sessions.update('u', z.id, { archived: true });
        await t.store.sessions.create('someone else', { title: 'not listed' });
        for (const options of [{}, { limit: 3 }, { pinned: true }, { pinned: false }, { archived: true }]) {
          let cursor: string | undefined;
          do {
            const o = { ...options, cursor };
            const [page, json] = [await t.store.sessions.list('u', o), await t.store.sessions.listJson('u', o)];
            expect(json).toBe(JSON.stringify(page));
            cursor = page.next_cursor ?? undefined;
          } while (cursor);
        }
        expect(await t.store.sessions.listJson('nobody')).toBe('{"items":[],"next_cursor":null}');
      });

      it('rejects malformed and foreign cursors with InvalidCursorError', async () => {
        for (const bad of [
          '!!!',
          'abc',
          Buffer.from('["md",5]').toString('base64url'),
          Buffer.from('["s","x","y"]').toString('base64url'),
          '',
        ]) {
          await expect(t.store.sessions.list('u', { cursor: bad })).rejects.toBeInstanceOf(InvalidCursorError);
        }
      });
    });

    describe('messages', () => {
      fresh();

      it('appends with defaults, bumps the session and reads back', async () => {
        const s = await t.store.sessions.create('u');
        const m = await t.store.messages.append('u', s.id, { role: 'user', content: 'hello' });
        expect(m).toMatchObject({
          session_id: s.id,
          role: 'user',
          content: 'hello',
          status: 'complete',
          model_id: null,
          finish_reason: null,
        });
        expect(await t.store.messages.get('u', m!.id)).toEqual(m);
        const after = await t.store.sessions.get('u', s.id);
        expect(after!.updated_at >= s.updated_at).toBe(true);
        expect(after!.message_count).toBe(1);

        const reply = await t.store.messages.append('u', s.id, {
          role: 'assistant',
          content: 'hi',
          status: 'partial',
          model_id: 'stories260K',
          prompt_tokens: 3,
          completion_tokens: 2,
          time_to_first_token_ms: 12.5,
          tokens_per_second: 800.123456789,
          finish_reason: 'abort',
        });
        // Every field survives the round trip exactly, floats included.
        expect(await t.store.messages.get('u', reply!.id)).toEqual(reply);
        expect(reply).toMatchObject({ status: 'partial', tokens_per_second: 800.123456789, finish_reason: 'abort' });
      });

      it('returns undefined when appending to a missing session', async () => {
        expect(
          await t.store.messages.append('u', '01ARZ3NDEKTSV4RRFFQ69G5FAV', { role: 'user', content: 'x' }),
        ).toBeUndefined();
      });

      it('updates content, status and stats; updates nothing for a missing id', async () => {
        const s = await t.store.sessions.create('u');
        const m = await t.store.messages.append('u', s.id, { role: 'assistant', content: 'Once', status: 'partial' });
        const u = await t.store.messages.update('u', m!.id, {
          content: 'Once upon a time',
          status: 'complete',
          completion_tokens: 4,
          finish_reason: 'stop',
        });
        expect(u).toMatchObject({
          id: m!.id,
          content: 'Once upon a time',
          status: 'complete',
          completion_tokens: 4,
          finish_reason: 'stop',
          created_at: m!.created_at,
        });
        expect(await t.store.messages.update('u', m!.id, {})).toEqual(u);
        expect(await t.store.messages.get('u', m!.id)).toEqual(u);
        expect(await t.store.messages.update('u', 'nope', { content: 'x' })).toBeUndefined();
      });

      it('rejects an invalid status at the database (CHECK constraint) and bumps nothing', async () => {
        const s = await t.store.sessions.create('u');
        await expect(
          t.store.messages.append('u', s.id, { role: 'user', content: 'x', status: 'weird' as 'complete' }),
        ).rejects.toThrow(/check/i);
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
          ids.push(
            (await t.store.messages.append('u', s.id, { role: i % 2 ? 'assistant' : 'user', content: `m${i}` }))!.id,
          );
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
        await expect(
          t.store.messages.list('u', s.id, { order: 'desc', cursor: asc!.next_cursor! }),
        ).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(t.store.messages.list('u', s.id, { cursor: 'not a cursor' })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
        await expect(
          t.store.messages.list('u', s.id, { cursor: Buffer.from('["ma",-1]').toString('base64url') }),
        ).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it('opens a page around a message and continues both ways with the ordinary cursors', async () => {
        const s = await t.store.sessions.create('u');
        const other = await t.store.sessions.create('u');
        const ids: string[] = [];
        for (let i = 0; i < 41; i++) {
          ids.push(
            (await t.store.messages.append('u', s.id, { role: i % 2 ? 'assistant' : 'user', content: `m${i}` }))!.id,
          );
          if (i % 4 === 0) await t.store.messages.append('u', other.id, { role: 'user', content: `other ${i}` });
        }
        const page = (await t.store.messages.listAround('u', s.id, ids[20]!, { limit: 10 }))!;
        // 4 older, the message, 5 newer: an even page leans newer, where the reader scrolls next.
        expect(page.items.map((m) => m.id)).toEqual(ids.slice(16, 26));
        expect(page.next_cursor).toBe(page.newer_cursor);

        const older: string[] = [];
        for (let cursor = page.older_cursor; cursor; ) {
          const p = await t.store.messages.list('u', s.id, { order: 'desc', limit: 7, cursor });
          older.unshift(...p!.items.map((m) => m.id).reverse());
          cursor = p!.next_cursor;
        }
        const newer: string[] = [];
        for (let cursor = page.newer_cursor; cursor; ) {
          const p = await t.store.messages.list('u', s.id, { order: 'asc', limit: 7, cursor });
          newer.push(...p!.items.map((m) => m.id));
          cursor = p!.next_cursor;
        }
        expect([...older, ...page.items.map((m) => m.id), ...newer]).toEqual(ids);
      });

      it('gives a near end of the chat its share to the other side, and nulls the cursor of a loaded end', async () => {
        const s = await t.store.sessions.create('u');
        const ids: string[] = [];
        for (let i = 0; i < 12; i++)
          ids.push((await t.store.messages.append('u', s.id, { role: 'user', content: `m${i}` }))!.id);
        const idsOf = (p: { items: { id: string }[] } | undefined) => p!.items.map((m) => m.id);

        const first = await t.store.messages.listAround('u', s.id, ids[0]!, { limit: 5 });
        expect(idsOf(first)).toEqual(ids.slice(0, 5));
        expect(first!.older_cursor).toBeNull();
        expect(first!.newer_cursor).not.toBeNull();

        const nearEnd = await t.store.messages.listAround('u', s.id, ids[10]!, { limit: 5 });
        expect(idsOf(nearEnd)).toEqual(ids.slice(7, 12));
        expect(nearEnd!.newer_cursor).toBeNull();
        expect(nearEnd!.next_cursor).toBeNull();
        expect(nearEnd!.older_cursor).not.toBeNull();

        const all = await t.store.messages.listAround('u', s.id, ids[6]!, { limit: 12 });
        expect(idsOf(all)).toEqual(ids);
        expect([all!.older_cursor, all!.newer_cursor]).toEqual([null, null]);

        const one = await t.store.messages.listAround('u', s.id, ids[6]!, { limit: 1 });
        expect(idsOf(one)).toEqual([ids[6]]);
        expect(
          (await t.store.messages.list('u', s.id, { order: 'desc', limit: 1, cursor: one!.older_cursor! }))!.items[0]!
            .id,
        ).toBe(ids[5]);
        expect(
          (await t.store.messages.list('u', s.id, { order: 'asc', limit: 1, cursor: one!.newer_cursor! }))!.items[0]!
            .id,
        ).toBe(ids[7]);

        // The default page size applies without a limit.
        expect(idsOf(await t.store.messages.listAround('u', s.id, ids[3]!))).toEqual(ids);
      });

      it('answers undefined for a message that is missing, deleted or in another session', async () => {
        const s = await t.store.sessions.create('u');
        const other = await t.store.sessions.create('u');
        const m = await t.store.messages.append('u', s.id, { role: 'user', content: 'here' });
        const elsewhere = await t.store.messages.append('u', other.id, { role: 'user', content: 'there' });
        expect(await t.store.messages.listAround('u', s.id, elsewhere!.id)).toBeUndefined();
        expect(await t.store.messages.listAround('u', s.id, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeUndefined();
        expect(await t.store.messages.listAround('u', 'missing', m!.id)).toBeUndefined();
        await t.store.messages.delete('u', m!.id);
        expect(await t.store.messages.listAround('u', s.id, m!.id)).toBeUndefined();
      });

      it('cascades a session delete to its messages and their search entries', async () => {
        const s = await t.store.sessions.create('u');
        const keep = await t.store.sessions.create('u');
        const gone = await t.store.messages.append('u', s.id, { role: 'user', content: 'pineapple smoothie' });
        await t.store.messages.append('u', keep.id, { role: 'user', content: 'pineapple pizza' });
        expect((await t.store.search('u', 'pineapple')).items).toHaveLength(2);
        await t.store.sessions.delete('u', s.id);
        expect(await t.store.messages.get('u', gone!.id)).toBeUndefined();
        expect((await t.store.maintenance.stats()).messages).toBe(1);
        expect((await t.store.search('u', 'smoothie')).items).toEqual([]);
        expect((await t.store.search('u', 'pineapple')).items.map((h) => h.session_id)).toEqual([keep.id]);
      });
    });

    describe('search', () => {
      let sessionId: string;
      beforeAll(async () => {
        t = await hooks.open();
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
          '"',
          '""',
          '"unterminated',
          '*',
          '**',
          'fox*',
          '(',
          ')',
          '()',
          'NEAR(',
          'NEAR(fox dog, 2)',
          'AND',
          'OR',
          'NOT',
          'fox AND',
          'OR dog',
          '-foo',
          '--',
          'a:b',
          'content:fox',
          'session_id:x',
          '^fox',
          '^',
          '{content}: fox',
          '+',
          '.',
          '🍕',
          '🙂🙂',
          '東京',
          'タワー',
          'creme brulee',
          'ZÜRICH',
          '\u0000',
          "'; DROP TABLE chat_messages; --",
          '\\',
          ' ',
          'fox & dog | !cat <-> (x:*)',
          "'fox':* & 'dog'",
          'a\\',
          "it's",
          'x'.repeat(2000),
          'fox '.repeat(200),
        ];
        for (const q of hostile) {
          const page = await t.store.search('u', q);
          expect(Array.isArray(page.items)).toBe(true);
        }
        expect((await t.store.maintenance.stats()).messages).toBe(8);
      });

      it('finds words, ranks them and highlights matches in a plain snippet', async () => {
        const page = await t.store.search('u', 'fox dog');
        expect(page.items.length).toBe(2);
        for (const hit of page.items) {
          expect(hit.session_id).toBe(sessionId);
          expect(hit.session_title).toBe('Travel');
          expect(hit.role).toBe('user');
          expect(hit.snippet).not.toMatch(/[\uE000\uE001]/);
          expect(hit.highlights.length).toBeGreaterThan(0);
          for (const [a, b] of hit.highlights)
            expect(hit.snippet.slice(a, b).toLowerCase()).toMatch(/^(fox|foxes|dog)$/);
          expect(new Date(hit.created_at).toISOString()).toBe(hit.created_at);
        }
        // Lower rank is better on both engines; the list is in rank order.
        expect(page.items[0]!.rank).toBeLessThanOrEqual(page.items[1]!.rank);
      });

      it('folds accents both ways and case', async () => {
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
        // Short last words match exactly: "fo" is no prefix of "fox".
        expect((await t.store.search('u', 'fo')).items).toHaveLength(0);
      });

      it('finds the same messages for each query class of bench:scale (quotes, prefixes, odd characters)', async () => {
        // Another user, so the other tests' counts stay as they are.
        const s = await t.store.sessions.create('v', { title: 'Classes' });
        const ids = new Map<string, string>();
        for (const content of [
          'the hotel is next to the museum',
          'a museum inside a hotel',
          'a hotel without anything else',
          'a café for python async code',
          'cafe notes: python asynchronous tasks',
          'python and async but no coffee',
          'through the telescope at the galaxy',
          'what time is it now',
          'it is time, what a day',
        ]) {
          const m = await t.store.messages.append('v', s.id, { role: 'user', content });
          ids.set(content.split(' ').slice(0, 3).join(' '), m!.id);
        }
        const hits = async (q: string) =>
          new Set((await t.store.search('v', q, { limit: 100 })).items.map((h) => h.message_id));
        const expected = (...keys: string[]) => new Set(keys.map((k) => ids.get(k)!));
        // Quotes are no phrase on either back end: every word, in any order.
        expect(await hits('"hotel museum"')).toEqual(expected('the hotel is', 'a museum inside'));
        expect(await hits('teles')).toEqual(expected('through the telescope'));
        // Punctuation separates words; the last word is a prefix ("async" finds "asynchronous"); accents fold.
        expect(await hits('café? (python) async*')).toEqual(expected('a café for', 'cafe notes: python'));
        expect(await hits('what time is it')).toEqual(expected('what time is', 'it is time,'));
        expect(await hits('nonexistentword')).toEqual(new Set());
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

      it('gives the same page as JSON text (searchJson) as search gives, cursor and errors included', async () => {
        for (const [q, options] of [
          ['the', { limit: 2 }],
          ['zurich', {}],
          ['pinea', {}],
          ['東京', {}],
          ['🍕', {}],
        ] as const) {
          const page = await t.store.search('u', q, options);
          expect(JSON.parse(await t.store.searchJson('u', q, options))).toEqual(page);
        }
        const cursor = (await t.store.search('u', 'the', { limit: 2 })).next_cursor ?? undefined;
        expect(cursor).toBeDefined();
        expect(JSON.parse(await t.store.searchJson('u', 'the', { limit: 2, cursor }))).toEqual(
          await t.store.search('u', 'the', { limit: 2, cursor }),
        );
        await expect(t.store.searchJson('u', 'the', { cursor: 'bogus!' })).rejects.toBeInstanceOf(InvalidCursorError);
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
        const w = await hooks.open({ searchWindow: 5 });
        try {
          const s = await w.store.sessions.create('u');
          const ids: string[] = [];
          for (let i = 0; i < 12; i++) {
            // Older messages repeat the word, so ranking alone would prefer them: the window must still exclude them.
            const content = i < 7 ? 'lantern lantern lantern lantern' : `a lantern in message ${i}`;
            ids.push((await w.store.messages.append('u', s.id, { role: 'user', content }))!.id);
          }
          const first = await w.store.search('u', 'lantern', { limit: 3 });
          expect(first.items).toHaveLength(3);
          await w.store.messages.append('u', s.id, { role: 'user', content: 'lantern added between pages' });
          const second = await w.store.search('u', 'lantern', { limit: 3, cursor: first.next_cursor! });
          expect(second.items).toHaveLength(2);
          expect(second.next_cursor).toBeNull();
          const seen = [...first.items, ...second.items].map((h) => h.message_id);
          expect(seen.sort()).toEqual(ids.slice(7).sort());
        } finally {
          await w.cleanup();
        }
      });
    });

    describe('user scoping', () => {
      fresh();

      it("treats another user's session and messages as nonexistent and leaves them unchanged", async () => {
        const { store } = t;
        const s = await store.sessions.create('alice', {
          title: 'Secret plans',
          settings: { system_prompt: 'private' },
        });
        const m = await store.messages.append('alice', s.id, {
          role: 'user',
          content: 'the zeppelin launches at dawn',
        });
        const before = {
          session: await store.sessions.get('alice', s.id),
          messages: await store.messages.list('alice', s.id),
        };

        expect(await store.sessions.get('bob', s.id)).toBeUndefined();
        expect((await store.sessions.list('bob')).items).toEqual([]);
        expect((await store.sessions.list('bob', { archived: true })).items).toEqual([]);
        expect(await store.sessions.update('bob', s.id, { title: 'pwned', archived: true })).toBeUndefined();
        expect(await store.sessions.delete('bob', s.id)).toBe(false);

        expect(await store.messages.append('bob', s.id, { role: 'user', content: 'injected' })).toBeUndefined();
        expect(await store.messages.get('bob', m!.id)).toBeUndefined();
        expect(await store.messages.list('bob', s.id)).toBeUndefined();
        expect(await store.messages.list('bob', s.id, { order: 'desc' })).toBeUndefined();
        expect(await store.messages.listAround('bob', s.id, m!.id)).toBeUndefined();
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

    describe('users, auth sessions and api keys', () => {
      fresh();

      it('creates users with case-insensitive unique usernames', async () => {
        const u = await t.store.users.create({ username: 'Alice', password_hash: 'h1' });
        expect(u).toMatchObject({ username: 'Alice', password_hash: 'h1', disabled: 0 });
        expect(await t.store.users.getByUsername('alice')).toEqual(u);
        expect(await t.store.users.getById(u.id)).toEqual(u);
        await expect(t.store.users.create({ username: 'ALICE', password_hash: 'x' })).rejects.toBeInstanceOf(
          DuplicateError,
        );
        await expect(t.store.users.create({ id: u.id, username: 'other', password_hash: 'x' })).rejects.toBeInstanceOf(
          DuplicateError,
        );
        expect(await t.store.users.setPasswordHash(u.id, 'h2')).toBe(true);
        expect((await t.store.users.getById(u.id))!.password_hash).toBe('h2');
        expect(await t.store.users.setDisabled(u.id, true)).toBe(true);
        expect((await t.store.users.getById(u.id))!.disabled).toBe(1);
        expect(await t.store.users.setPasswordHash('nobody', 'h')).toBe(false);
        expect((await t.store.users.list()).map((x) => x.id)).toEqual([u.id]);
      });

      it('ensure is idempotent, also when racing itself', async () => {
        const [a, b] = await Promise.all([
          t.store.users.ensure('local', 'local'),
          t.store.users.ensure('local', 'local'),
        ]);
        expect(a).toEqual(b);
        expect(await t.store.users.ensure('local', 'local')).toEqual(a);
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
        const live = await t.store.authSessions.create({
          user_id: u.id,
          token_hash: 'live',
          expires_at: Date.now() + 60_000,
        });
        await t.store.authSessions.create({ user_id: u.id, token_hash: 'old', expires_at: Date.now() - 1 });
        expect(await t.store.authSessions.getByTokenHash('live')).toEqual(live);
        expect(await t.store.authSessions.getByTokenHash('old')).toBeUndefined();
        await expect(
          t.store.authSessions.create({ user_id: u.id, token_hash: 'live', expires_at: 1 }),
        ).rejects.toBeInstanceOf(DuplicateError);
        await expect(
          t.store.authSessions.create({ user_id: 'ghost', token_hash: 'g', expires_at: Date.now() + 1000 }),
        ).rejects.toThrow(/foreign key/i);

        const later = Date.now() + 120_000;
        await new Promise((r) => setTimeout(r, 2));
        expect(await t.store.authSessions.touch(live.id, later)).toBe(true);
        const touched = (await t.store.authSessions.getByTokenHash('live'))!;
        expect(touched.expires_at).toBe(later);
        expect(touched.last_seen_at).toBeGreaterThan(live.last_seen_at);

        expect(await t.store.authSessions.revoke(live.id)).toBe(true);
        expect(await t.store.authSessions.revoke(live.id)).toBe(false);
        expect(await t.store.authSessions.getByTokenHash('live')).toBeUndefined();

        const a = await t.store.authSessions.create({
          user_id: u.id,
          token_hash: 'a',
          expires_at: Date.now() + 60_000,
        });
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
        await expect(
          t.store.apiKeys.create({ user_id: u.id, name: 'dup', prefix: 'x', key_hash: 'kh' }),
        ).rejects.toBeInstanceOf(DuplicateError);
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

    describe('maintenance', () => {
      beforeEach(async () => {
        t = await hooks.open();
        const s = await t.store.sessions.create('u', { title: 'Backup me' });
        for (let i = 0; i < 20; i++)
          await t.store.messages.append('u', s.id, { role: 'user', content: `line ${i} about lighthouses` });
      });
      afterEach(() => t.cleanup());

      it('integrity and foreign key checks pass on a healthy database', async () => {
        expect((await t.store.maintenance.integrityCheck()).ok).toBe(true);
        expect(await t.store.maintenance.foreignKeyCheck()).toEqual({ ok: true, rows: [] });
      });

      it('vacuum, analyze, rebuild and optimize keep data and search working', async () => {
        await t.store.maintenance.vacuum();
        await t.store.maintenance.analyze();
        await t.store.maintenance.rebuildSearchIndex();
        await t.store.maintenance.optimizeSearchIndex();
        expect((await t.store.search('u', 'lighthouses', { limit: 50 })).items).toHaveLength(20);
        expect((await t.store.maintenance.integrityCheck()).ok).toBe(true);
      });

      it('backup produces a database with the same rows that opens as a store', async () => {
        const copy = await hooks.backupAndOpenCopy(t.store);
        try {
          expect(await copy.store.maintenance.stats()).toMatchObject({ sessions: 1, messages: 20 });
          const [s] = (await copy.store.sessions.list('u')).items;
          expect(s!.title).toBe('Backup me');
          expect((await copy.store.search('u', 'lighthouses', { limit: 50 })).items).toHaveLength(20);
          const a = await t.store.messages.list('u', s!.id, { limit: 100 });
          const b = await copy.store.messages.list('u', s!.id, { limit: 100 });
          expect(b).toEqual(a);
          // The copy is a working store: new rows get fresh ordering keys after the restored ones.
          const added = await copy.store.messages.append('u', s!.id, { role: 'user', content: 'after restore' });
          expect((await copy.store.messages.list('u', s!.id, { order: 'desc', limit: 1 }))!.items[0]!.id).toBe(
            added!.id,
          );
        } finally {
          await copy.cleanup();
        }
      });

      it('stats counts rows and a database size', async () => {
        const stats = await t.store.maintenance.stats();
        expect(stats).toMatchObject({ sessions: 1, messages: 20, users: 0 });
        expect(stats.fileSizeBytes).toBeGreaterThan(0);
      });
    });

    describe('lifecycle', () => {
      it('ping answers and close is idempotent; use after close throws ChatStoreClosedError', async () => {
        const c = await hooks.open();
        expect(await c.store.ping()).toBe(true);
        await c.cleanup();
        await c.store.close();
        expect(await c.store.ping()).toBe(false);
        await expect(c.store.sessions.get('u', 'x')).rejects.toMatchObject({ name: 'ChatStoreClosedError' });
        await expect(c.store.search('u', 'x')).rejects.toMatchObject({ name: 'ChatStoreClosedError' });
      });
    });
  });
}
