import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openChatStore } from '../../index.js';
import { textFile } from '../../../test/attachments-suite.js';
import { makeTempDir, openTempStore, type TempStore } from '../../../test/temp-store.js';
import { CHUNK_BATCH_ROWS } from './attachment-chunk-writer.js';

const QUOTA = { quotaBytes: 10_000_000 };
/** Several write batches of chunks. */
const CHUNKS = Array.from({ length: CHUNK_BATCH_ROWS * 4 + 10 }, (_, i) => `word${i % 13} line ${i} `);

/** Chunk rows, queued files and FTS entries of `word3`, read on a connection of its own. */
function rawCounts(path: string): { chunks: number; queued: number; fts: number } {
  const raw = new Database(path, { readonly: true });
  try {
    const n = (q: string) => (raw.prepare(q).get() as { n: number }).n;
    return {
      chunks: n('SELECT count(*) AS n FROM attachment_chunks'),
      queued: n('SELECT count(*) AS n FROM attachment_chunk_purges'),
      fts: n(`SELECT count(*) AS n FROM attachment_chunks_fts WHERE attachment_chunks_fts MATCH 'word3'`),
    };
  } finally {
    raw.close();
  }
}

describe('sqlite: a deleted file’s chunks, deleted in batches after it', () => {
  const open: TempStore[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.cleanup();
  });

  it('lets other callbacks run between its batches, and leaves no chunk nor FTS entry', async () => {
    const t = await openTempStore();
    open.push(t);
    const file = await t.store.attachments.create('u', textFile('big.log', CHUNKS.join(''), CHUNKS), QUOTA);
    expect(await t.store.attachments.deleteUnsent('u', file.id)).toBe('deleted');
    // The file's row went alone: its chunks are still there, queued.
    expect(rawCounts(t.path)).toMatchObject({ chunks: CHUNKS.length, queued: 1 });
    // Health's totals leave them out already.
    expect(await t.store.chunkVectors.totals()).toMatchObject({ chunks: 0, embedded: 0 });
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    expect(await t.store.attachments.purgeDeleted()).toBe(CHUNKS.length);
    counting = false;
    // One transaction would have let no callback run until it was done.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(CHUNKS.length / CHUNK_BATCH_ROWS));
    expect(rawCounts(t.path)).toEqual({ chunks: 0, queued: 0, fts: 0 });
    const raw = new Database(t.path);
    raw.prepare(`INSERT INTO attachment_chunks_fts (attachment_chunks_fts) VALUES ('integrity-check')`).run();
    raw.close();
  });

  it('resumes a purge cut short (the process stopped between batches) when the file is opened again', async () => {
    const { dir, remove } = makeTempDir();
    const path = `${dir}/chat.db`;
    try {
      const store = await openChatStore({ path });
      const kept = await store.attachments.create('u', textFile('kept.log', CHUNKS.join('.'), CHUNKS), QUOTA);
      const file = await store.attachments.create('u', textFile('big.log', CHUNKS.join(''), CHUNKS), QUOTA);
      expect(await store.attachments.deleteUnsent('u', file.id)).toBe('deleted');
      // Closed before the purge's first batch: what a kill leaves (each batch commits on its own).
      await store.close();
      expect(rawCounts(path)).toMatchObject({ chunks: 2 * CHUNKS.length, queued: 1 });

      const reopened = await openChatStore({ path });
      expect(await reopened.attachments.get('u', file.id)).toBeUndefined();
      // The purge the open started, joined.
      await reopened.attachments.purgeDeleted();
      expect(rawCounts(path)).toMatchObject({ chunks: CHUNKS.length, queued: 0 });
      const hits = await reopened.attachments.searchChunks('u', { attachmentIds: [kept.id], query: 'word3', limit: 3 });
      expect(hits).toHaveLength(3);
      await reopened.close();
    } finally {
      remove();
    }
  });

  it('a read-only store purges nothing', async () => {
    const t = await openTempStore();
    open.push(t);
    const file = await t.store.attachments.create('u', textFile('big.log', CHUNKS.join(''), CHUNKS), QUOTA);
    await t.store.attachments.deleteUnsent('u', file.id);
    const reader = await openChatStore({ path: t.path, readonly: true });
    expect(await reader.attachments.purgeDeleted()).toBe(0);
    await reader.close();
    await t.store.attachments.purgeDeleted();
    expect(rawCounts(t.path)).toEqual({ chunks: 0, queued: 0, fts: 0 });
  });
});
