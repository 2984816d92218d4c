import { afterEach, describe, expect, it } from 'vitest';
import { textFile } from '../../../test/attachments-suite.js';
import { openTempStore, type TempStore } from '../../../test/temp-store.js';
import { openChatStore } from '../../index.js';
import { CHUNK_BATCH_ROWS } from './attachment-chunk-writer.js';

const QUOTA = { quotaBytes: 100 * 1024 * 1024 };
/** Enough chunks for several batches. */
const CHUNKS = CHUNK_BATCH_ROWS * 6 + 17;

/** A log-like file of {@link CHUNKS} chunks; chunk 1000 alone says "needle". */
function bigFile(name = 'big.log') {
  const chunks = Array.from({ length: CHUNKS }, (_, i) =>
    i === 1000 ? `line ${i} the needle is here\n` : `line ${i} request served in ${i % 250} ms\n`,
  );
  return textFile(name, chunks.join(''), chunks);
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('SQLite: a large file is stored in batches', () => {
  let t: TempStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('lets other requests through while its chunks are written, and retrieves it only once complete', async () => {
    t = await openTempStore();
    const { store } = t;
    const order: string[] = [];
    const upload = store.attachments.create('u', bigFile(), QUOTA).then((created) => {
      order.push('upload');
      return created;
    });
    // Issued after the upload began: answered while its chunks are still being written.
    await turn();
    const [draft] = await store.attachments.listUnsent('u');
    order.push('other request');
    expect(draft?.name).toBe('big.log');
    const id = draft?.id ?? '';
    const partial = await store.attachments.text('u', id);
    expect(partial?.chunks.length).toBeLessThan(CHUNKS);
    // A partial set of chunks is never retrieved as if it were the whole file.
    expect(await store.attachments.searchChunks('u', { attachmentIds: [id], query: 'line', limit: 5 })).toEqual([]);
    expect(await store.attachments.firstChunks('u', id, 3)).toEqual([]);
    const created = await upload;
    expect(order).toEqual(['other request', 'upload']);
    expect(created).toMatchObject({ id, chunked: true, state: 'indexing' });
    expect((await store.attachments.text('u', id))?.chunks).toHaveLength(CHUNKS);
    const found = await store.attachments.searchChunks('u', { attachmentIds: [id], query: 'needle', limit: 5 });
    expect(found.map((h) => h.ordinal)).toEqual([1000]);
    expect(await store.attachments.firstChunks('u', id, 2)).toHaveLength(2);
    expect(await store.attachments.unfinishedChunks()).toEqual([]);
  });

  it('keeps a file indexing, out of vector search, while its chunks are written, though some get vectors', async () => {
    t = await openTempStore();
    const { store } = t;
    await store.chunkVectors.useModel({ model: 'fake', dims: 2 });
    const upload = store.attachments.create('u', bigFile(), QUOTA);
    await turn();
    // The chunk embedder runs between batches: it embeds every chunk written so far.
    const pending = await store.chunkVectors.pending(CHUNKS);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.length).toBeLessThan(CHUNKS);
    await store.chunkVectors.store(pending.map((p) => ({ chunkId: p.chunkId, vector: Float32Array.of(1, 0) })));
    const id = pending[0]?.attachmentId ?? '';
    expect(await store.attachments.get('u', id)).toMatchObject({ state: 'indexing' });
    const nearest = { attachmentIds: [id], vector: Float32Array.of(1, 0), model: 'fake', limit: 3 };
    expect(await store.chunkVectors.search('u', nearest)).toEqual([]);
    await upload;
    // Chunks written after are still waiting: the file is not `ready` for having had its first ones embedded.
    expect(await store.attachments.get('u', id)).toMatchObject({ state: 'indexing' });
    expect((await store.chunkVectors.search('u', nearest)).length).toBe(3);
    const rest = await store.chunkVectors.pending(CHUNKS);
    expect(rest.length + pending.length).toBe(CHUNKS);
    await store.chunkVectors.store(rest.map((p) => ({ chunkId: p.chunkId, vector: Float32Array.of(0, 1) })));
    expect(await store.attachments.get('u', id)).toMatchObject({ state: 'ready' });
  });

  it('refuses the upload when the draft is deleted while its chunks are written', async () => {
    t = await openTempStore();
    const { store } = t;
    const upload = store.attachments.create('u', bigFile(), QUOTA);
    await turn();
    const [draft] = await store.attachments.listUnsent('u');
    expect(await store.attachments.deleteUnsent('u', draft?.id ?? '')).toBe('deleted');
    await expect(upload).rejects.toMatchObject({ code: 'attachment_not_found' });
    expect(await store.attachments.usedBytes('u')).toBe(0);
  });

  it('lists a file cut short by a crash after reopening, and completes it with replaceChunks', async () => {
    t = await openTempStore();
    const file = bigFile();
    const upload = store(t).attachments.create('u', file, QUOTA);
    // Wait until some chunks are written, then the process "dies": the connection closes under the upload.
    let id = '';
    for (let i = 0; i < 10_000 && id === ''; i++) {
      await turn();
      const [draft] = await store(t).attachments.listUnsent('u');
      const written = draft ? ((await store(t).attachments.text('u', draft.id))?.chunks.length ?? 0) : 0;
      if (draft && written > 0) id = draft.id;
    }
    await t.store.close();
    await expect(upload).rejects.toThrow();
    const reopened = await openChatStore({ path: t.path });
    t = { ...t, store: reopened as TempStore['store'] };
    try {
      const left = (await reopened.attachments.text('u', id))?.chunks.length ?? 0;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(CHUNKS);
      expect(await reopened.attachments.unfinishedChunks()).toEqual([
        { userId: 'u', id, name: 'big.log', mime: 'text/plain' },
      ]);
      expect(await reopened.attachments.searchChunks('u', { attachmentIds: [id], query: 'line', limit: 5 })).toEqual(
        [],
      );
      // Only the owner's file is replaced.
      expect(await reopened.attachments.replaceChunks('v', id, file.chunks)).toBe(false);
      expect(await reopened.attachments.replaceChunks('u', id, file.chunks)).toBe(true);
      expect(await reopened.attachments.unfinishedChunks()).toEqual([]);
      expect((await reopened.attachments.text('u', id))?.chunks).toHaveLength(CHUNKS);
      const found = await reopened.attachments.searchChunks('u', { attachmentIds: [id], query: 'needle', limit: 5 });
      expect(found.map((h) => h.ordinal)).toEqual([1000]);
      expect(await reopened.attachments.get('u', id)).toMatchObject({ state: 'indexing', chunked: true });
    } finally {
      await t.cleanup();
      t = undefined;
    }
  });
});

function store(t: TempStore | undefined): TempStore['store'] {
  if (!t) throw new Error('no store open');
  return t.store;
}
