/**
 * Message vectors, whatever the engine: ownership, nearest first, the cursor and its resume after a restart, model
 * changes, opt-out, deletes and the agreement check. The SQLite and the PostgreSQL test files both run it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatStore } from '../src/index.js';

export interface VectorSuiteStore {
  store: ChatStore;
  /** Closes the store and opens the same database again (a restart). */
  reopen(): Promise<ChatStore>;
  cleanup(): Promise<void>;
  /** Called before each search: SQLite's vector-index run waits here until the user's copy is loaded. */
  warm?(store: ChatStore, userId: string, vector: Float32Array): Promise<void>;
}

const DIMS = 8;

/** A deterministic unit vector for a word: equal words give equal vectors. */
export function fakeVector(text: string, dims = DIMS): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < text.length; i++) {
    const slot = (text.charCodeAt(i) * 31 + i) % dims;
    v[slot] = (v[slot] ?? 0) + 1 + (text.charCodeAt(i) % 7);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

async function embedAll(store: ChatStore): Promise<number> {
  let n = 0;
  for (;;) {
    const batch = await store.vectors.pending(3);
    if (batch.length === 0) return n;
    await store.vectors.store(batch.map((p) => ({ ...p, vector: fakeVector(p.content) })));
    n += batch.length;
  }
}

/** Registers the shared vector tests under `describe(name)`. */
export function describeVectorSuite(name: string, open: () => Promise<VectorSuiteStore>): void {
  describe(`${name}: message vectors`, () => {
    let t: VectorSuiteStore;
    let store: ChatStore;
    beforeEach(async () => {
      t = await open();
      store = t.store;
      await store.users.create({ id: 'alice', username: 'alice', password_hash: 'x' });
      await store.users.create({ id: 'bob', username: 'bob', password_hash: 'x' });
    });
    afterEach(async () => {
      await t.cleanup();
    });

    /** A search as the suite asserts it, after the back end's `warm` (if any). */
    async function search(userId: string, vector: Float32Array) {
      await t.warm?.(store, userId, vector);
      return store.vectors.search(userId, vector);
    }

    async function chat(userId: string, texts: string[]): Promise<string[]> {
      const session = await store.sessions.create(userId, { title: 'chat' });
      const ids: string[] = [];
      for (const content of texts) {
        const m = await store.messages.append(userId, session.id, { role: 'user', content });
        if (!m) throw new Error('append failed');
        ids.push(m.id);
      }
      return ids;
    }

    it('embeds only opted-in users, and searches only the asker’s vectors, nearest first', async () => {
      expect(await store.vectors.useModel({ model: 'fake', dims: DIMS })).toBe(true);
      const aliceIds = await chat('alice', ['flaky login test', 'banana bread', 'quarterly taxes']);
      const bobIds = await chat('bob', ['flaky login test']);
      await store.vectors.setEnabled('alice', true);
      expect(await store.vectors.isEnabled('alice')).toBe(true);
      expect(await store.vectors.isEnabled('bob')).toBe(false);
      expect(await embedAll(store)).toBe(3);
      const hits = await search('alice', fakeVector('flaky login test'));
      expect(hits[0]?.message_id).toBe(aliceIds[0]);
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      expect(hits.map((h) => h.message_id)).not.toContain(bobIds[0]);
      await store.vectors.setEnabled('bob', true);
      await embedAll(store);
      const bobHits = await search('bob', fakeVector('flaky login test'));
      expect(bobHits.map((h) => h.message_id)).toEqual([bobIds[0]]);
      expect((await search('alice', fakeVector('flaky login test'))).map((h) => h.message_id)).toEqual(
        expect.not.arrayContaining([bobIds[0]]),
      );
      expect(await store.vectors.progress('alice')).toMatchObject({ model: 'fake', dims: DIMS, embedded: 3, total: 3 });
    });

    it('resumes from the cursor after a restart, and embeds new messages after it', async () => {
      await store.vectors.useModel({ model: 'fake', dims: DIMS });
      await store.vectors.setEnabled('alice', true);
      await chat('alice', ['one', 'two', 'three', 'four']);
      const first = await store.vectors.pending(2);
      await store.vectors.store(first.map((p) => ({ ...p, vector: fakeVector(p.content) })));
      store = await t.reopen();
      expect(await store.vectors.useModel({ model: 'fake', dims: DIMS })).toBe(false);
      const rest = await store.vectors.pending(10);
      expect(rest.map((p) => p.content)).toEqual(['three', 'four']);
      await store.vectors.store(rest.map((p) => ({ ...p, vector: fakeVector(p.content) })));
      await chat('alice', ['five']);
      expect((await store.vectors.pending(10)).map((p) => p.content)).toEqual(['five']);
    });

    it('stops the cursor before a reply still being generated, and passes it once released', async () => {
      await store.vectors.useModel({ model: 'fake', dims: DIMS });
      await store.vectors.setEnabled('alice', true);
      const [, streaming] = await chat('alice', ['question', 'half a reply', 'later']);
      if (!streaming) throw new Error('no message');
      await store.processes.register({ id: 'p1', instance: 'test', host: 'h', pid: 1, port: 1, pid_file: null });
      await store.processes.claimReply(streaming, 'p1');
      expect((await store.vectors.pending(10)).map((p) => p.content)).toEqual(['question']);
      await embedAll(store);
      await store.processes.releaseReply(streaming);
      expect((await store.vectors.pending(10)).map((p) => p.content)).toEqual(['half a reply', 'later']);
    });

    it('drops every vector and starts over when the model or its dimension changes', async () => {
      await store.vectors.useModel({ model: 'fake', dims: DIMS });
      await store.vectors.setEnabled('alice', true);
      await chat('alice', ['one', 'two']);
      await embedAll(store);
      expect(await store.vectors.useModel({ model: 'other', dims: 4 })).toBe(true);
      expect(await store.vectors.model()).toEqual({ model: 'other', dims: 4 });
      expect((await store.vectors.progress()).embedded).toBe(0);
      expect(await store.vectors.pending(10)).toHaveLength(2);
    });

    it('deletes a message’s vector with the message, and the user’s vectors on opt-out', async () => {
      await store.vectors.useModel({ model: 'fake', dims: DIMS });
      await store.vectors.setEnabled('alice', true);
      const [first] = await chat('alice', ['keep me', 'delete me']);
      await embedAll(store);
      const session = (await store.sessions.list('alice')).items[0];
      if (!session || !first) throw new Error('no chat');
      await store.sessions.delete('alice', session.id);
      expect(await search('alice', fakeVector('keep me'))).toEqual([]);
      expect(await store.vectors.check()).toMatchObject({ ok: true, orphans: 0, missing: 0 });
      await chat('alice', ['again']);
      await embedAll(store);
      await store.vectors.setEnabled('alice', false);
      expect((await store.vectors.progress()).embedded).toBe(0);
    });

    it('check finds messages behind the cursor without a vector, and rebuild starts over', async () => {
      await store.vectors.useModel({ model: 'fake', dims: DIMS });
      await store.vectors.setEnabled('alice', true);
      await chat('alice', ['one', 'two']);
      const batch = await store.vectors.pending(10);
      // Only the second is stored, but the cursor passes both: the first is missing.
      await store.vectors.store(batch.slice(1).map((p) => ({ ...p, vector: fakeVector(p.content) })));
      const check = await store.vectors.check();
      expect(check).toMatchObject({ ok: false, missing: 1 });
      expect(check.problems[0]).toMatch(/pnpm embed --rebuild/);
      await store.vectors.rebuild();
      expect(await embedAll(store)).toBe(2);
      expect((await store.vectors.check()).ok).toBe(true);
    });
  });
}
