/**
 * Search by meaning through the in-process vector index on SQLite: the same hits as vec0's exact KNN, only the
 * asker's vectors, and deletes, re-embeds, opt-out, model changes and other processes' writes seen by the next search.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { openChatStore, type SqliteChatStore } from '../../index.js';

// Loading a user's copy and the exact reference scans take seconds on a busy 2-core CI machine.
vi.setConfig({ testTimeout: 60_000 });

const DIMS = 32;

/** Deterministic pseudo-random unit vectors. */
function randomVectors(n: number, seed: number): Float32Array[] {
  let s = seed;
  const next = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 1_073_741_824 - 1;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: DIMS }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe('sqlite: meaning search through the vector index', () => {
  let t: TempStore;
  let store: SqliteChatStore;
  const ids: Record<string, string[]> = {};
  const vecs: Record<string, Float32Array[]> = {};

  async function fill(userId: string, n: number, seed: number) {
    await store.users.create({ id: userId, username: userId, password_hash: 'x' });
    await store.vectors.setEnabled(userId, true);
    const session = await store.sessions.create(userId, { title: 'chat' });
    for (let i = 0; i < n; i++) await store.messages.append(userId, session.id, { role: 'user', content: `m${i}` });
    const pending = await store.vectors.pending(n);
    vecs[userId] = randomVectors(n, seed);
    ids[userId] = pending.map((p) => p.messageId);
    await store.vectors.store(pending.map((p, i) => ({ ...p, vector: vecs[userId]?.[i] ?? new Float32Array(DIMS) })));
  }

  /** Searches once so the user's copy loads, and waits until it is ready. */
  async function warm(userId: string) {
    const index = store.vectorIndex;
    if (!index) throw new Error('no vector index');
    await store.vectors.search(userId, new Float32Array(DIMS).fill(1 / Math.sqrt(DIMS)));
    await vi.waitFor(() => expect(index.state(userId)).toBe('ready'), { timeout: 20_000, interval: 20 });
  }

  beforeEach(async () => {
    t = await openTempStore();
    store = t.store;
    await store.vectors.useModel({ model: 'random', dims: DIMS });
    await fill('alice', 600, 1);
    await fill('bob', 600, 2);
  }, 120_000);
  afterEach(async () => {
    await t.cleanup();
  });

  it('answers what vec0’s exact KNN answers, with the asker’s vectors only', async () => {
    await warm('alice');
    const scans = store.vectorIndex?.scans ?? 0;
    const exact = await openChatStore({ path: t.path, vectorIndexBytes: 0 });
    try {
      for (const query of randomVectors(5, 9)) {
        const viaIndex = await store.vectors.search('alice', query, { limit: 20 });
        const viaVec0 = await exact.vectors.search('alice', query, { limit: 20 });
        expect(viaIndex.map((h) => h.message_id)).toEqual(viaVec0.map((h) => h.message_id));
        for (let i = 0; i < viaIndex.length; i++)
          expect(viaIndex[i]?.score).toBeCloseTo(viaVec0[i]?.score ?? Number.NaN, 5);
      }
      expect(store.vectorIndex?.scans).toBe(scans + 5);
      // Bob's vectors equal to the query are never Alice's hits.
      const bobs = vecs.bob?.[7] ?? new Float32Array(DIMS);
      const hits = await store.vectors.search('alice', bobs, { limit: 100 });
      expect(hits).toHaveLength(100);
      expect(hits.some((h) => ids.bob?.includes(h.message_id))).toBe(false);
      await warm('bob');
      expect((await store.vectors.search('bob', bobs, { limit: 1 }))[0]?.message_id).toBe(ids.bob?.[7]);
    } finally {
      await exact.close();
    }
  });

  it('deleted messages are gone from the next search, whichever connection deleted them', async () => {
    await warm('alice');
    // Messages of one chat form a chain: deleting one deletes those after it too.
    const gone = (from: number, to: number) => new Set(ids.alice?.slice(from, to));
    expect((await store.vectors.search('alice', vecs.alice?.[595] ?? new Float32Array(DIMS)))[0]?.message_id).toBe(
      ids.alice?.[595],
    );
    await store.messages.delete('alice', ids.alice?.[590] ?? '');
    let hits = await store.vectors.search('alice', vecs.alice?.[595] ?? new Float32Array(DIMS), { limit: 50 });
    expect(hits).toHaveLength(50);
    expect(hits.filter((h) => gone(590, 600).has(h.message_id))).toEqual([]);
    // Through another connection (another process would do the same): the index learns it from the re-rank.
    const other = await openChatStore({ path: t.path, vectorIndexBytes: 0 });
    try {
      await other.messages.delete('alice', ids.alice?.[100] ?? '');
      const scans = store.vectorIndex?.scans ?? 0;
      for (const query of randomVectors(3, 31)) {
        hits = await store.vectors.search('alice', query, { limit: 50 });
        const exact = await other.vectors.search('alice', query, { limit: 50 });
        expect(hits.filter((h) => gone(100, 600).has(h.message_id))).toEqual([]);
        expect(hits.map((h) => h.message_id)).toEqual(exact.map((h) => h.message_id));
      }
      // The first search met 400 stale candidates and scanned again; the copy stayed in use.
      expect(store.vectorIndex?.scans).toBeGreaterThan(scans + 3);
      expect(store.vectorIndex?.state('alice')).toBe('ready');
    } finally {
      await other.close();
    }
  });

  it('a re-embedded message ranks by its new vector at once', async () => {
    await warm('alice');
    const query = randomVectors(1, 77)[0] ?? new Float32Array(DIMS);
    const m10 = ids.alice?.[10] ?? '';
    expect((await store.vectors.search('alice', query, { limit: 1 }))[0]?.message_id).not.toBe(m10);
    await store.vectors.store([{ userId: 'alice', messageId: m10, seq: 1, vector: query }]);
    expect(store.vectorIndex?.state('alice')).toBe('ready');
    const scans = store.vectorIndex?.scans ?? 0;
    const hits = await store.vectors.search('alice', query, { limit: 1 });
    expect(store.vectorIndex?.scans).toBe(scans + 1);
    expect(hits[0]?.message_id).toBe(m10);
    expect(hits[0]?.score).toBeCloseTo(1, 5);
  });

  it('another process’s new vectors reload the copy; opt-out and a model change drop it', async () => {
    await warm('alice');
    const other = await openChatStore({ path: t.path, vectorIndexBytes: 0 });
    try {
      const session = (await store.sessions.list('alice')).items[0]?.id ?? '';
      const m = await other.messages.append('alice', session, { role: 'user', content: 'new' });
      const query = randomVectors(1, 55)[0] ?? new Float32Array(DIMS);
      const pending = await other.vectors.pending(10);
      await other.vectors.store(pending.map((p) => ({ ...p, vector: query })));
      // The next search notices the moved cursor and answers exactly (vec0) while the copy loads again.
      expect((await store.vectors.search('alice', query, { limit: 1 }))[0]?.message_id).toBe(m?.id);
      await warm('alice');
      expect((await store.vectors.search('alice', query, { limit: 1 }))[0]?.message_id).toBe(m?.id);
    } finally {
      await other.close();
    }
    await store.vectors.setEnabled('alice', false);
    expect(store.vectorIndex?.state('alice')).toBe('absent');
    expect(await store.vectors.search('alice', vecs.alice?.[0] ?? new Float32Array(DIMS))).toEqual([]);
    await warm('bob');
    await store.vectors.useModel({ model: 'another', dims: DIMS });
    expect(store.vectorIndex?.state('bob')).toBe('absent');
    expect(await store.vectors.search('bob', vecs.bob?.[0] ?? new Float32Array(DIMS))).toEqual([]);
  });

  it('a user whose vectors exceed the bound is searched exactly by vec0', async () => {
    const small = await openChatStore({ path: t.path, vectorIndexBytes: 100 * 200 });
    try {
      if (small.backend !== 'sqlite') throw new Error('sqlite expected');
      const target = vecs.alice?.[5] ?? new Float32Array(DIMS);
      await small.vectors.search('alice', target);
      await vi.waitFor(() => expect(small.vectorIndex?.state('alice')).toBe('too-large'), { timeout: 20_000 });
      expect((await small.vectors.search('alice', target, { limit: 1 }))[0]?.message_id).toBe(ids.alice?.[5]);
    } finally {
      await small.close();
    }
  });
});
