/**
 * A large upload cut short by a crash (SQLite writes its chunks in batches after its row) is chunked again from its
 * stored bytes at the next start, on a real store and the real extractor and chunker.
 */
import path from 'node:path';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { tempDir } from '@chat-studio/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ATTACHMENT_TYPES } from '../config/index.js';
import { defaultDocuments, resumeChunking, uploadAttachment, type UploadDeps } from './index.js';

const CONTEXT = 2048;

function deps(store: ChatStore): UploadDeps & { store: ChatStore['attachments'] } {
  return {
    store: store.attachments,
    documents: defaultDocuments,
    config: { maxFileBytes: 20 * 1024 * 1024, quotaBytes: 100 * 1024 * 1024, types: [...DEFAULT_ATTACHMENT_TYPES] },
    countTokens: () => null,
    contextSize: () => CONTEXT,
  };
}

/** A log of `lines` request lines; line 3000 alone says "needle". */
function log(lines: number): Uint8Array {
  const text = Array.from({ length: lines }, (_, i) =>
    i === 3000 ? `2026-12-03 ERROR the needle ${i}\n` : `2026-12-03 INFO request ${i} served in ${i % 250} ms\n`,
  ).join('');
  return new TextEncoder().encode(text);
}

describe('resumeChunking', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('chunks a file cut short by a crash again at start, and retrieves it then', async () => {
    const file = path.join(tmp.dir, 'chat.db');
    const first = await openChatStore({ path: file });
    const bytes = log(40_000);
    const upload = uploadAttachment(deps(first), 'u', { name: 'app.log', mime: 'text/plain', bytes });
    // The process "dies" once the row and some chunks are written.
    let id = '';
    for (let i = 0; i < 100_000 && id === ''; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const [draft] = await first.attachments.listUnsent('u');
      if (draft && ((await first.attachments.text('u', draft.id))?.chunks.length ?? 0) > 0) id = draft.id;
    }
    await first.close();
    await expect(upload).rejects.toThrow();

    const store = await openChatStore({ path: file });
    try {
      const partial = (await store.attachments.text('u', id))?.chunks.length ?? 0;
      expect(await store.attachments.unfinishedChunks()).toHaveLength(1);
      const errors: unknown[] = [];
      const resumed = await resumeChunking({ ...deps(store), onError: (_id, err) => errors.push(err) });
      expect(errors).toEqual([]);
      expect(resumed).toBe(1);
      expect(await store.attachments.unfinishedChunks()).toEqual([]);
      const chunks = (await store.attachments.text('u', id))?.chunks ?? [];
      expect(chunks.length).toBeGreaterThan(partial);
      expect(chunks.map((c) => c.ordinal)).toEqual(chunks.map((_, i) => i));
      const found = await store.attachments.searchChunks('u', { attachmentIds: [id], query: 'needle', limit: 3 });
      expect(found[0]?.text).toContain('the needle 3000');
      // Nothing left: a second start does nothing.
      expect(await resumeChunking(deps(store))).toBe(0);
    } finally {
      await store.close();
    }
  });
});
