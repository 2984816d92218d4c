/**
 * The message tree, whatever the engine: branches from edits and regenerated replies, the current branch and its
 * paging, siblings, switching, subtree deletes, and the migration of a database made with the previous schema.
 * The SQLite and the PostgreSQL test files both run it.
 */
import type { ChatMessage } from '@chat-studio/protocol';
import type { Kysely } from 'kysely';
import type { ChatMessagesTable, ChatSessionsTable } from '../src/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatStore } from '../src/index.js';
import type { SuiteStore } from './store-suite.js';

/** The chat tables as the release before the message tree had them. */
export interface PreviousChatDatabase {
  chat_sessions: Omit<ChatSessionsTable, 'current_leaf_id'>;
  chat_messages: Omit<ChatMessagesTable, 'parent_id'>;
}

/** A database migrated to the schema before the message tree, open for filling, and how to open it as a store. */
export interface PreviousSchemaDatabase {
  /** kysely over the old schema (no `parent_id`, no `current_leaf_id`). */
  db: Kysely<PreviousChatDatabase>;
  /** Closes `db`, then opens the database as a store (which migrates it). */
  openStore(): Promise<SuiteStore>;
  /** Removes the database. */
  remove(): Promise<void>;
}

export interface TreeSuiteHooks {
  open(): Promise<SuiteStore>;
  openPrevious(): Promise<PreviousSchemaDatabase>;
}

const ids = (items: readonly { id: string }[]) => items.map((m) => m.id);

async function wholeBranch(
  store: ChatStore,
  sessionId: string,
  order: 'asc' | 'desc',
  limit: number,
): Promise<ChatMessage[]> {
  const seen: ChatMessage[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.messages.list('u', sessionId, { order, limit, cursor });
    seen.push(...page!.items);
    cursor = page!.next_cursor ?? undefined;
  } while (cursor);
  return seen;
}

/** Registers the tree tests under `describe(name)`. */
export function describeTreeSuite(name: string, hooks: TreeSuiteHooks): void {
  describe(`${name} message tree`, () => {
    let t: SuiteStore;
    let store: ChatStore;
    beforeEach(async () => {
      t = await hooks.open();
      store = t.store;
    });
    afterEach(() => t.cleanup());

    /** user/assistant pairs appended to the current leaf. */
    async function chat(sessionId: string, turns: number, prefix: string): Promise<string[]> {
      const out: string[] = [];
      for (let i = 0; i < turns; i++) {
        out.push(
          (await store.messages.append('u', sessionId, { role: 'user', content: `${prefix} question ${i}` }))!.id,
        );
        out.push(
          (await store.messages.append('u', sessionId, { role: 'assistant', content: `${prefix} answer ${i}` }))!.id,
        );
      }
      return out;
    }

    it('appends under the current leaf and moves it; the first message has no parent', async () => {
      const s = await store.sessions.create('u');
      expect(s.current_leaf_id).toBeNull();
      const [a, b, c] = await chat(s.id, 2, 'x');
      expect((await store.messages.get('u', a!))!.parent_id).toBeNull();
      expect((await store.messages.get('u', b!))!.parent_id).toBe(a);
      expect((await store.messages.get('u', c!))!.parent_id).toBe(b);
      expect((await store.sessions.get('u', s.id))!.current_leaf_id).toBe(
        (await wholeBranch(store, s.id, 'desc', 1))[0]!.id,
      );
    });

    it('edit and regenerate add siblings; nothing is lost and each branch lists on its own', async () => {
      const s = await store.sessions.create('u');
      const first = await chat(s.id, 3, 'old');
      // Edit the second question: a sibling with new text, and a reply under it.
      const q1 = (await store.messages.get('u', first[2]!))!;
      const edited = await store.messages.append('u', s.id, {
        role: 'user',
        content: 'new question 1',
        parent_id: q1.parent_id,
      });
      const reply = await store.messages.append('u', s.id, {
        role: 'assistant',
        content: 'new answer 1',
        parent_id: edited!.id,
      });
      // Regenerate that reply: a sibling reply.
      const again = await store.messages.append('u', s.id, {
        role: 'assistant',
        content: 'another answer 1',
        parent_id: edited!.id,
      });

      const branch = await wholeBranch(store, s.id, 'asc', 50);
      expect(ids(branch)).toEqual([first[0], first[1], edited!.id, again!.id]);
      expect(branch.map((m) => [m.sibling_position, m.sibling_count])).toEqual([
        [1, 1],
        [1, 1],
        [2, 2],
        [2, 2],
      ]);
      expect((await store.sessions.get('u', s.id))!).toMatchObject({ current_leaf_id: again!.id, message_count: 9 });

      expect(await store.messages.siblings('u', edited!.id)).toMatchObject({
        position: 2,
        items: [{ id: first[2] }, { id: edited!.id }],
      });
      expect((await store.messages.siblings('u', reply!.id))!.position).toBe(1);
      expect(ids((await store.messages.siblings('u', first[0]!))!.items)).toEqual([first[0]]);

      // Back to the old version: its newest branch, every old message still there.
      expect(await store.messages.switchBranch('u', s.id, first[2]!)).toBe(first[5]);
      expect(ids(await wholeBranch(store, s.id, 'asc', 2))).toEqual(first);
      expect((await store.sessions.get('u', s.id))!.current_leaf_id).toBe(first[5]);
      // A message already on the current branch keeps the leaf where it is.
      expect(await store.messages.switchBranch('u', s.id, first[1]!)).toBe(first[5]);
      // New messages go under the current leaf.
      const next = await store.messages.append('u', s.id, { role: 'user', content: 'after switch' });
      expect(next!.parent_id).toBe(first[5]);
      // The edited branch: its newest leaf is the regenerated reply.
      expect(await store.messages.switchBranch('u', s.id, edited!.id)).toBe(again!.id);
      expect(await store.messages.switchBranch('u', s.id, reply!.id)).toBe(reply!.id);
      expect(ids(await wholeBranch(store, s.id, 'desc', 3)).reverse()).toEqual([
        first[0],
        first[1],
        edited!.id,
        reply!.id,
      ]);
      // Any branch can be listed without switching to it (the history of an edit or a regenerated reply).
      expect(ids((await store.messages.list('u', s.id, { order: 'desc', leafId: first[3] }))!.items)).toEqual(
        first.slice(0, 4).reverse(),
      );
      expect(ids((await store.messages.list('u', s.id, { leafId: first[1] }))!.items)).toEqual(first.slice(0, 2));
      expect((await store.sessions.get('u', s.id))!.current_leaf_id).toBe(reply!.id);
    });

    it('a new first message (parent null) starts a branch of its own', async () => {
      const s = await store.sessions.create('u');
      const old = await chat(s.id, 1, 'a');
      const root = await store.messages.append('u', s.id, { role: 'user', content: 'b', parent_id: null });
      expect(ids(await wholeBranch(store, s.id, 'asc', 10))).toEqual([root!.id]);
      expect(await store.messages.siblings('u', root!.id)).toMatchObject({
        position: 2,
        items: [{ id: old[0] }, { id: root!.id }],
      });
      expect(await store.messages.switchBranch('u', s.id, old[0]!)).toBe(old[1]);
    });

    it('pages the current branch both ways without duplicates, skips or messages of other branches', async () => {
      const s = await store.sessions.create('u');
      const trunk = (await chat(s.id, 10, 'trunk')).slice(0, 10);
      const fork = trunk[9]!;
      await store.messages.append('u', s.id, { role: 'user', content: 'left start', parent_id: fork });
      await chat(s.id, 10, 'left');
      const start = await store.messages.append('u', s.id, { role: 'user', content: 'right start', parent_id: fork });
      const right = await chat(s.id, 8, 'right');
      const expected = [...trunk, start!.id, ...right];
      for (const limit of [1, 7, 50]) {
        expect(ids(await wholeBranch(store, s.id, 'asc', limit))).toEqual(expected);
        expect(ids(await wholeBranch(store, s.id, 'desc', limit))).toEqual([...expected].reverse());
      }
      const around = (await store.messages.listAround('u', s.id, trunk[4]!, { limit: 6 }))!;
      expect(ids(around.items)).toEqual(expected.slice(2, 8));
      expect(around.leaf_id).toBe(right.at(-1));
    });

    it('listAround on a message of another branch pages that branch and names its leaf', async () => {
      const s = await store.sessions.create('u');
      const old = await chat(s.id, 4, 'old');
      const edited = await store.messages.append('u', s.id, { role: 'user', content: 'edited', parent_id: null });
      const page = (await store.messages.listAround('u', s.id, old[3]!, { limit: 4 }))!;
      expect(ids(page.items)).toEqual(old.slice(2, 6));
      expect(page.leaf_id).toBe(old[7]);
      // Reading does not switch.
      expect((await store.sessions.get('u', s.id))!.current_leaf_id).toBe(edited!.id);
      const older = await store.messages.list('u', s.id, { order: 'desc', limit: 1, cursor: page.older_cursor! });
      expect(ids(older!.items)).toEqual([old[1]]);
    });

    it('deletes a subtree in one call, with its search entries, and moves the leaf back', async () => {
      const s = await store.sessions.create('u');
      const trunk = await chat(s.id, 2, 'trunk');
      const q = (await store.messages.get('u', trunk[2]!))!;
      const edited = await store.messages.append('u', s.id, {
        role: 'user',
        content: 'zebra question',
        parent_id: q.parent_id,
      });
      await chat(s.id, 3, 'zebra');
      expect(await store.messages.countSubtree('u', edited!.id)).toBe(7);
      expect((await store.search('u', 'zebra')).items.length).toBeGreaterThan(0);

      expect(await store.messages.deleteSubtree('u', edited!.id)).toBe(7);
      expect(await store.messages.get('u', edited!.id)).toBeUndefined();
      expect((await store.search('u', 'zebra')).items).toEqual([]);
      // The leaf was in the deleted subtree: the chat shows the newest branch left under the parent.
      expect((await store.sessions.get('u', s.id))!).toMatchObject({ current_leaf_id: trunk[3], message_count: 4 });
      expect(ids(await wholeBranch(store, s.id, 'asc', 10))).toEqual(trunk);
      expect(await store.messages.deleteSubtree('u', edited!.id)).toBe(0);

      // Deleting another branch leaves the current one alone.
      const side = await store.messages.append('u', s.id, { role: 'assistant', content: 'side', parent_id: trunk[0] });
      await store.messages.switchBranch('u', s.id, trunk[3]!);
      expect(await store.messages.delete('u', side!.id)).toBe(true);
      expect((await store.sessions.get('u', s.id))!.current_leaf_id).toBe(trunk[3]);

      // The whole chat from its first message: nothing left, no leaf.
      expect(await store.messages.deleteSubtree('u', trunk[0]!)).toBe(4);
      expect((await store.sessions.get('u', s.id))!).toMatchObject({ current_leaf_id: null, message_count: 0 });
      expect((await store.messages.list('u', s.id))!.items).toEqual([]);
    });

    it('deletes a branch deeper than any trigger or recursion limit', async () => {
      const s = await store.sessions.create('u');
      const first = await store.messages.append('u', s.id, { role: 'user', content: 'deep start' });
      for (let i = 1; i < 1100; i++)
        await store.messages.append('u', s.id, { role: i % 2 ? 'assistant' : 'user', content: `deep ${i}` });
      expect((await store.messages.list('u', s.id, { limit: 500 }))!.items).toHaveLength(500);
      expect(await store.messages.deleteSubtree('u', first!.id)).toBe(1100);
      expect((await store.maintenance.stats()).messages).toBe(0);
    }, 120_000);

    it('lists the whole tree parents first, for export', async () => {
      const s = await store.sessions.create('u');
      const a = await chat(s.id, 2, 'a');
      const b = await store.messages.append('u', s.id, { role: 'user', content: 'b', parent_id: a[1] });
      const all: ChatMessage[] = [];
      for (let cursor: string | undefined; ; ) {
        const page = (await store.messages.listTree('u', s.id, { limit: 2, cursor }))!;
        all.push(...page.items);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      expect(ids(all)).toEqual([...a, b!.id]);
      const position = new Map(all.map((m, i) => [m.id, i]));
      for (const m of all) if (m.parent_id) expect(position.get(m.parent_id)!).toBeLessThan(position.get(m.id)!);
    });

    it("treats another user's messages, and parents from another chat, as nonexistent", async () => {
      const s = await store.sessions.create('u');
      const other = await store.sessions.create('u');
      const [m] = await chat(s.id, 1, 'mine');
      const elsewhere = await store.messages.append('u', other.id, { role: 'user', content: 'elsewhere' });
      expect(
        await store.messages.append('u', s.id, { role: 'user', content: 'x', parent_id: elsewhere!.id }),
      ).toBeUndefined();
      expect(
        await store.messages.append('u', s.id, { role: 'user', content: 'x', parent_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
      ).toBeUndefined();
      expect(await store.messages.switchBranch('u', s.id, elsewhere!.id)).toBeUndefined();
      expect(await store.messages.siblings('intruder', m!)).toBeUndefined();
      expect(await store.messages.switchBranch('intruder', s.id, m!)).toBeUndefined();
      expect(await store.messages.countSubtree('intruder', m!)).toBeUndefined();
      expect(await store.messages.deleteSubtree('intruder', m!)).toBe(0);
      expect(await store.messages.listTree('intruder', s.id)).toBeUndefined();
      expect(
        await store.messages.append('intruder', s.id, { role: 'user', content: 'x', parent_id: m! }),
      ).toBeUndefined();
      expect((await store.sessions.get('u', s.id))!.message_count).toBe(2);
    });

    it('migrates a database of the previous schema into one branch per chat, keeping every field and the search index', async () => {
      const old = await hooks.openPrevious();
      let migrated: SuiteStore | undefined;
      try {
        const now = Date.UTC(2026, 10, 1);
        await old.db
          .insertInto('chat_sessions')
          .values([
            {
              id: '01JA0000000000000000000001',
              user_id: 'u',
              title: 'Old chat',
              created_at: now,
              updated_at: now + 50,
              pinned: 1,
              archived: 0,
              settings: '{"temperature":0.5}',
            },
            {
              id: '01JA0000000000000000000002',
              user_id: 'u',
              title: 'Empty',
              created_at: now,
              updated_at: now,
              pinned: 0,
              archived: 1,
              settings: '{}',
            },
            {
              id: '01JA0000000000000000000003',
              user_id: 'v',
              title: 'Other user',
              created_at: now,
              updated_at: now,
              pinned: 0,
              archived: 0,
              settings: '{}',
            },
          ])
          .execute();
        const rows = Array.from({ length: 9 }, (_, i) => ({
          id: `01JA00000000000000000001${String(i).padStart(2, '0')}`,
          // Interleaved chats: a parent is the previous message of the same chat, not the previous row.
          session_id: i % 3 === 2 ? '01JA0000000000000000000003' : '01JA0000000000000000000001',
          role: i % 2 ? ('assistant' as const) : ('user' as const),
          content: i === 4 ? 'the quokka smiled' : `message ${i}`,
          created_at: now + i,
          status: i === 7 ? ('partial' as const) : i === 8 ? ('error' as const) : ('complete' as const),
          model_id: i % 2 ? 'stories260K' : null,
          prompt_tokens: i % 2 ? 10 + i : null,
          completion_tokens: i % 2 ? 20 + i : null,
          time_to_first_token_ms: i % 2 ? 1.5 : null,
          tokens_per_second: i % 2 ? 123.456 : null,
          finish_reason: i % 2 ? ('stop' as const) : null,
        }));
        for (const row of rows) await old.db.insertInto('chat_messages').values(row).execute();
        migrated = await old.openStore();
        const s = migrated.store;

        const chat1 = rows.filter((r) => r.session_id === '01JA0000000000000000000001');
        const listed = await s.messages.list('u', '01JA0000000000000000000001', { limit: 50 });
        expect(ids(listed!.items)).toEqual(ids(chat1));
        listed!.items.forEach((m, i) => {
          const r = chat1[i]!;
          expect(m).toMatchObject({
            parent_id: i === 0 ? null : chat1[i - 1]!.id,
            role: r.role,
            content: r.content,
            status: r.status,
            created_at: new Date(r.created_at).toISOString(),
            model_id: r.model_id,
            prompt_tokens: r.prompt_tokens,
            completion_tokens: r.completion_tokens,
            time_to_first_token_ms: r.time_to_first_token_ms,
            tokens_per_second: r.tokens_per_second,
            finish_reason: r.finish_reason,
            sibling_position: 1,
            sibling_count: 1,
          });
        });
        expect(await s.sessions.get('u', '01JA0000000000000000000001')).toMatchObject({
          title: 'Old chat',
          pinned: true,
          settings: { temperature: 0.5 },
          message_count: chat1.length,
          current_leaf_id: chat1.at(-1)!.id,
          updated_at: new Date(now + 50).toISOString(),
        });
        expect(await s.sessions.get('u', '01JA0000000000000000000002')).toMatchObject({
          archived: true,
          current_leaf_id: null,
          message_count: 0,
        });
        const other = await s.messages.list('v', '01JA0000000000000000000003');
        expect(other!.items.map((m) => m.parent_id)).toEqual([null, ...ids(other!.items).slice(0, -1)]);

        const hits = await s.search('u', 'quokka');
        expect(hits.items.map((h) => h.message_id)).toEqual([rows[4]!.id]);
        // The migrated chat keeps working as a tree.
        const added = await s.messages.append('u', '01JA0000000000000000000001', {
          role: 'user',
          content: 'after the migration',
        });
        expect(added!.parent_id).toBe(chat1.at(-1)!.id);
        expect((await s.maintenance.foreignKeyCheck()).ok).toBe(true);
      } finally {
        await migrated?.cleanup();
        await old.remove();
      }
    });
  });
}
