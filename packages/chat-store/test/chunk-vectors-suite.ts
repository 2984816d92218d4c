/**
 * Chunk vectors, whatever the engine: a chunked file is `indexing` until every chunk has a vector, then `ready`;
 * `error` with a reason; a model change embeds again; search is nearest first, within the given files, for their
 * owner only; vectors go with their file and message. The SQLite and the PostgreSQL test files both run it.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatStore } from '../src/index.js';
import { textFile } from './attachments-suite.js';
import type { SuiteStore } from './store-suite.js';
import { fakeVector } from './vectors-suite.js';

const QUOTA = { quotaBytes: 100_000 };
const DIMS = 8;
const CHUNKS = [
  'Installing the server takes a minute.',
  'The login test is flaky because the session cookie expires.',
  'Closing remarks about nothing in particular.',
];

async function vectorRows(store: ChatStore): Promise<number> {
  // SQLite keeps a chunk's vector on its row; PostgreSQL in `chunk_vectors`.
  const result = await (store.backend === 'sqlite'
    ? sql<{ n: number | string }>`SELECT count(*) AS n FROM attachment_chunks WHERE embedding IS NOT NULL`
    : sql<{ n: number | string }>`SELECT count(*) AS n FROM chunk_vectors`
  ).execute(store.db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Embeds every pending chunk, `batch` at a time, with the fake model. */
async function embedAll(store: ChatStore, batch = 2, dims = DIMS): Promise<number> {
  let n = 0;
  for (;;) {
    const pending = await store.chunkVectors.pending(batch);
    if (pending.length === 0) return n;
    await store.chunkVectors.store(pending.map((p) => ({ chunkId: p.chunkId, vector: fakeVector(p.text, dims) })));
    n += pending.length;
  }
}

/** Registers the chunk vector tests under `describe(name)`. */
export function describeChunkVectorSuite(name: string, hooks: { open(): Promise<SuiteStore> }): void {
  describe(`${name}: chunk vectors`, () => {
    let t: SuiteStore;
    let store: ChatStore;
    beforeEach(async () => {
      t = await hooks.open();
      store = t.store;
    });
    afterEach(() => t.cleanup());

    it('indexes a chunked file to ready and searches it nearest first, for its owner only', async () => {
      const big = await store.attachments.create('u', textFile('big.md', CHUNKS.join(''), CHUNKS), QUOTA);
      const small = await store.attachments.create('u', textFile('small.txt', 'hello'), QUOTA);
      const theirs = await store.attachments.create('v', textFile('theirs.md', CHUNKS.join(''), CHUNKS), QUOTA);
      expect(big.state).toBe('indexing');
      expect(small.state).toBe('ready');
      expect((await store.attachments.get('u', big.id))?.index).toEqual({ chunks: 3, embedded: 0, reason: null });
      expect((await store.attachments.get('u', small.id))?.index).toBeUndefined();
      expect(await store.chunkVectors.useModel({ model: 'fake', dims: DIMS })).toBe(true);
      expect(await store.chunkVectors.useModel({ model: 'fake', dims: DIMS })).toBe(false);
      const first = await store.chunkVectors.pending(2);
      expect(first.map((p) => p.attachmentId)).toEqual([big.id, big.id]);
      expect(first[0]?.text).toBe(`Section 1\n${CHUNKS[0]}`);
      await store.chunkVectors.store(first.map((p) => ({ chunkId: p.chunkId, vector: fakeVector(p.text) })));
      expect(await store.attachments.get('u', big.id)).toMatchObject({
        state: 'indexing',
        index: { chunks: 3, embedded: 2, reason: null },
      });
      expect(await embedAll(store)).toBe(4);
      expect(await store.attachments.get('u', big.id)).toMatchObject({
        state: 'ready',
        index: { chunks: 3, embedded: 3 },
      });
      expect((await store.attachments.get('v', theirs.id))?.state).toBe('ready');
      const query = { vector: fakeVector(`Section 2\n${CHUNKS[1]}`), model: 'fake', limit: 5 };
      const hits = await store.chunkVectors.search('u', { ...query, attachmentIds: [big.id] });
      expect(hits[0]).toMatchObject({ attachment_id: big.id, name: 'big.md', ordinal: 1, text: CHUNKS[1] });
      expect(hits[0]?.rank).toBeCloseTo(0, 4);
      expect(hits.map((h) => h.ordinal).sort()).toEqual([0, 1, 2]);
      // Another user's file is never searched for the caller, even when its id is given.
      expect(await store.chunkVectors.search('u', { ...query, attachmentIds: [theirs.id] })).toEqual([]);
      expect(await store.chunkVectors.search('v', { ...query, attachmentIds: [big.id] })).toEqual([]);
      // Vectors of another model are never compared with the query's.
      expect(await store.chunkVectors.search('u', { ...query, model: 'other', attachmentIds: [big.id] })).toEqual([]);
      expect(await store.chunkVectors.progress('u', big.id)).toEqual({ chunks: 3, embedded: 3, reason: null });
      // New vectors of the file (a model change, embedded again) are searched, not a stale copy.
      await store.chunkVectors.useModel({ model: 'fake2', dims: DIMS });
      expect(await store.chunkVectors.search('u', { ...query, model: 'fake2', attachmentIds: [big.id] })).toEqual([]);
      await embedAll(store);
      const again = await store.chunkVectors.search('u', { ...query, model: 'fake2', attachmentIds: [big.id] });
      expect(again.map((h) => h.ordinal)).toEqual(hits.map((h) => h.ordinal));
      expect(await store.chunkVectors.progress('v', big.id)).toBeUndefined();
    });

    it('says why a file cannot be indexed, and resumes when a model can embed', async () => {
      const big = await store.attachments.create('u', textFile('big.md', CHUNKS.join(''), CHUNKS), QUOTA);
      expect(await store.chunkVectors.fail('No model can embed now.')).toBe(1);
      expect(await store.attachments.get('u', big.id)).toMatchObject({
        state: 'error',
        index: { chunks: 3, embedded: 0, reason: 'No model can embed now.' },
      });
      // Still pending: the next model that can embed picks it up.
      expect(await store.chunkVectors.pending(10)).toHaveLength(3);
      await store.chunkVectors.useModel({ model: 'fake', dims: DIMS });
      await embedAll(store);
      expect(await store.attachments.get('u', big.id)).toMatchObject({ state: 'ready', index: { reason: null } });
      expect(await store.chunkVectors.fail('again')).toBe(0);
    });

    it('totals files per state and chunks embedded over every user', async () => {
      expect(await store.chunkVectors.totals()).toEqual({
        files: { ready: 0, indexing: 0, error: 0 },
        chunks: 0,
        embedded: 0,
      });
      await store.attachments.create('u', textFile('small.txt', 'hello'), QUOTA);
      await store.attachments.create('u', textFile('big.md', CHUNKS.join(''), CHUNKS), QUOTA);
      await store.attachments.create('v', textFile('theirs.md', CHUNKS.join(''), CHUNKS), QUOTA);
      expect(await store.chunkVectors.totals()).toEqual({
        files: { ready: 0, indexing: 2, error: 0 },
        chunks: 6,
        embedded: 0,
      });
      await store.chunkVectors.useModel({ model: 'fake', dims: DIMS });
      await store.chunkVectors.store(
        (await store.chunkVectors.pending(4)).map((p) => ({ chunkId: p.chunkId, vector: fakeVector(p.text) })),
      );
      expect(await store.chunkVectors.totals()).toEqual({
        files: { ready: 1, indexing: 1, error: 0 },
        chunks: 6,
        embedded: 4,
      });
      await store.chunkVectors.fail('No model can embed now.');
      expect((await store.chunkVectors.totals()).files).toEqual({ ready: 1, indexing: 0, error: 1 });
    });

    it('embeds every file again when the model changes', async () => {
      const big = await store.attachments.create('u', textFile('big.md', CHUNKS.join(''), CHUNKS), QUOTA);
      await store.chunkVectors.useModel({ model: 'fake', dims: DIMS });
      await embedAll(store);
      expect(await store.chunkVectors.useModel({ model: 'bigger', dims: 16 })).toBe(true);
      expect(await store.chunkVectors.model()).toEqual({ model: 'bigger', dims: 16 });
      expect(await store.attachments.get('u', big.id)).toMatchObject({
        state: 'indexing',
        index: { embedded: 0 },
      });
      expect(await vectorRows(store)).toBe(0);
      await expect(store.chunkVectors.store([{ chunkId: 1, vector: fakeVector('x', DIMS) }])).rejects.toThrow(
        /dimensions/,
      );
      expect(await embedAll(store, 5, 16)).toBe(3);
      expect((await store.attachments.get('u', big.id))?.state).toBe('ready');
      // Message vectors keep their own model: a chunk model change leaves them be.
      expect(await store.vectors.model()).toBeNull();
    });

    it('deletes the vectors with their file, and with the message it was sent with', async () => {
      await store.chunkVectors.useModel({ model: 'fake', dims: DIMS });
      const unsent = await store.attachments.create('u', textFile('a.md', CHUNKS.join(''), CHUNKS), QUOTA);
      const sent = await store.attachments.create('u', textFile('b.md', CHUNKS.join('!'), CHUNKS), QUOTA);
      await embedAll(store);
      expect(await vectorRows(store)).toBe(6);
      await store.attachments.deleteUnsent('u', unsent.id);
      // A deleted file's chunks (and so their vectors) follow it in batches (SQLite; at once on PostgreSQL).
      await store.attachments.purgeDeleted();
      expect(await vectorRows(store)).toBe(3);
      const session = await store.sessions.create('u', { title: 'files' });
      const message = await store.messages.append('u', session.id, { role: 'user', content: 'read this' });
      if (!message) throw new Error('append failed');
      await store.attachments.bind('u', message.id, [sent.id]);
      await store.messages.deleteSubtree('u', message.id);
      await store.attachments.purgeDeleted();
      expect(await vectorRows(store)).toBe(0);
      expect(await store.chunkVectors.pending(10)).toEqual([]);
    });
  });
}
