/**
 * Attachments, whatever the engine: bytes stored once per user, quota, ownership, binding to messages, deletion
 * with messages and chats, unreferenced bytes removed, unsent ones kept and listed (never swept), copies for an
 * edit, and full-text retrieval over chunks.
 * The SQLite and the PostgreSQL test files both run it.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportChatsJson, importChats, type ChatStore, type NewAttachment } from '../src/index.js';
import { exportSchemaValidator } from './export-schema.js';
import type { SuiteStore } from './store-suite.js';
import { collect, streamOf } from './transfer-suite.js';

const QUOTA = { quotaBytes: 1000 };
const QUOTA_LARGE = { quotaBytes: 1_000_000 };

/** A file of `text`, chunked into `chunks` when given. */
export function textFile(name: string, text: string, chunks: string[] = []): NewAttachment {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return {
    name,
    mime: 'text/plain',
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    text,
    tokens: null,
    chunked: chunks.length > 0,
    chunks: chunks.map((chunk, ordinal) => {
      const start = at;
      at += chunk.length;
      return { ordinal, start, end: at, heading: `Section ${ordinal + 1}`, page: null, text: chunk };
    }),
  };
}

async function chunkRows(store: ChatStore): Promise<number> {
  const { sql } = await import('kysely');
  const result = await sql<{ n: number | string }>`SELECT count(*) AS n FROM attachment_chunks`.execute(store.db);
  return Number(result.rows[0]?.n ?? 0);
}

async function blobCount(store: ChatStore): Promise<number> {
  const { sql } = await import('kysely');
  const result = await sql<{ n: number | string }>`SELECT count(*) AS n FROM attachment_blobs`.execute(store.db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Registers the attachment tests under `describe(name)`. */
export function describeAttachmentsSuite(name: string, hooks: { open(): Promise<SuiteStore> }): void {
  describe(`${name} attachments`, () => {
    let t: SuiteStore;
    let store: ChatStore;
    beforeEach(async () => {
      t = await hooks.open();
      store = t.store;
    });
    afterEach(() => t.cleanup());

    it('stores a file, reads it back for its owner only, and counts one copy of equal bytes', async () => {
      const a = await store.attachments.create('u', textFile('a.txt', 'hello world'), QUOTA);
      expect(a).toMatchObject({
        name: 'a.txt',
        size: 11,
        tokens: null,
        state: 'ready',
        chunked: false,
        message_id: null,
      });
      expect(new Date(a.created_at).toISOString()).toBe(a.created_at);
      const again = await store.attachments.create('u', textFile('copy.txt', 'hello world'), QUOTA);
      expect(again.id).not.toBe(a.id);
      expect(await store.attachments.usedBytes('u')).toBe(11);
      expect(await blobCount(store)).toBe(1);
      const content = await store.attachments.content('u', a.id);
      expect(new TextDecoder().decode(content?.bytes)).toBe('hello world');
      expect(await store.attachments.text('u', a.id)).toEqual({ text: 'hello world', chunks: [] });
      // Another user's id reads exactly like a missing one.
      expect(await store.attachments.get('v', a.id)).toBeUndefined();
      expect(await store.attachments.content('v', a.id)).toBeUndefined();
      expect(await store.attachments.text('v', a.id)).toBeUndefined();
      expect(await store.attachments.deleteUnsent('v', a.id)).toBe('missing');
      // The same bytes for another user are that user's own copy, counted against that user.
      await store.attachments.create('v', textFile('a.txt', 'hello world'), QUOTA);
      expect(await store.attachments.usedBytes('v')).toBe(11);
      expect(await blobCount(store)).toBe(2);
    });

    it('refuses a file past the quota with attachment_quota_exceeded, storing nothing', async () => {
      await store.attachments.create('u', textFile('a.txt', 'x'.repeat(600)), QUOTA);
      await expect(store.attachments.create('u', textFile('b.txt', 'y'.repeat(600)), QUOTA)).rejects.toMatchObject({
        code: 'attachment_quota_exceeded',
      });
      expect(await store.attachments.usedBytes('u')).toBe(600);
      // Equal bytes take no new room, so they pass a full quota.
      await expect(store.attachments.create('u', textFile('a2.txt', 'x'.repeat(600)), QUOTA)).resolves.toBeDefined();
    });

    it('binds to a message once, and goes with the message, its subtree and its chat', async () => {
      const s = await store.sessions.create('u');
      const q = await store.messages.append('u', s.id, { role: 'user', content: 'read this' });
      const a = await store.attachments.create('u', textFile('a.txt', 'alpha'), QUOTA);
      const b = await store.attachments.create('u', textFile('b.txt', 'beta'), QUOTA);
      const bound = await store.attachments.bind('u', q!.id, [b.id, a.id]);
      expect(bound.map((x) => [x.name, x.message_id])).toEqual([
        ['b.txt', q!.id],
        ['a.txt', q!.id],
      ]);
      await expect(store.attachments.bind('u', q!.id, [a.id])).rejects.toMatchObject({ code: 'attachment_not_found' });
      expect(await store.attachments.deleteUnsent('u', a.id)).toBe('sent');
      const c = await store.attachments.create('u', textFile('c.txt', 'gamma'), QUOTA);
      await expect(store.attachments.bind('v', q!.id, [c.id])).rejects.toMatchObject({ code: 'attachment_not_found' });
      expect((await store.attachments.get('u', c.id))?.message_id).toBeNull();
      expect((await store.attachments.forMessages('u', [q!.id])).get(q!.id)?.map((x) => x.name)).toEqual([
        'b.txt',
        'a.txt',
      ]);
      expect((await store.attachments.forMessages('v', [q!.id])).size).toBe(0);

      const reply = await store.messages.append('u', s.id, { role: 'assistant', content: 'ok', parent_id: q!.id });
      const source = { attachment_id: a.id, name: 'a.txt', ordinal: 0, heading: null, page: null, start: 0, end: 5 };
      await store.attachments.setSources('u', reply!.id, [source]);
      expect((await store.attachments.sourcesFor('u', [reply!.id])).get(reply!.id)).toEqual([source]);
      expect((await store.attachments.sourcesFor('v', [reply!.id])).size).toBe(0);

      await store.messages.deleteSubtree('u', q!.id);
      expect(await store.attachments.get('u', a.id)).toBeUndefined();
      expect(await store.attachments.get('u', b.id)).toBeUndefined();
      expect(await store.attachments.usedBytes('u')).toBe(5);
      expect(await blobCount(store)).toBe(1);

      const q2 = await store.messages.append('u', s.id, { role: 'user', content: 'again' });
      await store.attachments.bind('u', q2!.id, [c.id]);
      await store.sessions.delete('u', s.id);
      expect(await store.attachments.get('u', c.id)).toBeUndefined();
      expect(await store.attachments.usedBytes('u')).toBe(0);
      expect(await blobCount(store)).toBe(0);
    });

    it('unbinds a refused turn’s files, and deletes an unsent one only when asked', async () => {
      const s = await store.sessions.create('u');
      const q = await store.messages.append('u', s.id, { role: 'user', content: 'x' });
      const a = await store.attachments.create('u', textFile('a.txt', 'alpha'), QUOTA);
      await store.attachments.bind('u', q!.id, [a.id]);
      await store.attachments.unbind('u', q!.id);
      expect((await store.attachments.get('u', a.id))?.message_id).toBeNull();
      expect(await store.attachments.deleteUnsent('u', a.id)).toBe('deleted');
      expect(await store.attachments.get('u', a.id)).toBeUndefined();
      expect(await store.attachments.usedBytes('u')).toBe(0);
    });

    it('lists unsent files newest first, per chat, for their owner only; a chat’s delete keeps its drafts', async () => {
      const s = await store.sessions.create('u');
      const q = await store.messages.append('u', s.id, { role: 'user', content: 'x' });
      const loose = await store.attachments.create('u', textFile('loose.txt', 'loose'), QUOTA);
      const draft = await store.attachments.create('u', { ...textFile('draft.txt', 'draft'), sessionId: s.id }, QUOTA);
      const sent = await store.attachments.create('u', textFile('sent.txt', 'sent'), QUOTA);
      await store.attachments.create('v', textFile('theirs.txt', 'theirs'), QUOTA);
      await store.attachments.bind('u', q!.id, [sent.id]);
      expect((await store.attachments.listUnsent('u')).map((a) => a.id)).toEqual([draft.id, loose.id]);
      expect((await store.attachments.listUnsent('u', { sessionId: s.id })).map((a) => a.id)).toEqual([draft.id]);
      expect(await store.attachments.listUnsent('v', { sessionId: s.id })).toEqual([]);
      expect((await store.attachments.listUnsent('v')).map((a) => a.name)).toEqual(['theirs.txt']);
      // Drafts count against the quota like any stored file.
      expect(await store.attachments.usedBytes('u')).toBe(5 + 5 + 4);

      await store.sessions.delete('u', s.id);
      expect(await store.attachments.get('u', sent.id)).toBeUndefined();
      expect((await store.attachments.listUnsent('u')).map((a) => a.id)).toEqual([draft.id, loose.id]);
      expect(await store.attachments.listUnsent('u', { sessionId: s.id })).toEqual([]);
    });

    it('copies an edited message’s files to the new version; the original keeps its own', async () => {
      const s = await store.sessions.create('u');
      const q = await store.messages.append('u', s.id, { role: 'user', content: 'first' });
      const chunks = ['The login test is flaky. ', 'Nothing else here.'];
      const big = await store.attachments.create('u', textFile('big.md', chunks.join(''), chunks), QUOTA);
      const small = await store.attachments.create('u', textFile('small.txt', 'small'), QUOTA);
      await store.attachments.bind('u', q!.id, [big.id, small.id]);
      const used = await store.attachments.usedBytes('u');
      const edit = await store.messages.append('u', s.id, { role: 'user', content: 'edited', parent_id: null });
      const added = await store.attachments.create('u', textFile('added.txt', 'added'), QUOTA);
      // Without copyFrom a sent file cannot be bound again; with another message's id it is not copied.
      await expect(store.attachments.bind('u', edit!.id, [big.id])).rejects.toMatchObject({
        code: 'attachment_not_found',
      });
      await expect(store.attachments.bind('u', edit!.id, [big.id], { copyFrom: edit!.id })).rejects.toMatchObject({
        code: 'attachment_not_found',
      });
      await expect(store.attachments.bind('v', edit!.id, [big.id], { copyFrom: q!.id })).rejects.toMatchObject({
        code: 'attachment_not_found',
      });
      const carried = await store.attachments.bind('u', edit!.id, [added.id, big.id], { copyFrom: q!.id });
      expect(carried.map((a) => [a.name, a.message_id])).toEqual([
        ['added.txt', edit!.id],
        ['big.md', edit!.id],
      ]);
      const copy = carried[1]!;
      expect(copy.id).not.toBe(big.id);
      expect(copy).toMatchObject({ sha256: big.sha256, size: big.size, chunked: true, created_at: big.created_at });
      expect(await store.attachments.text('u', copy.id)).toEqual(await store.attachments.text('u', big.id));
      const hits = await store.attachments.searchChunks('u', { attachmentIds: [copy.id], query: 'flaky', limit: 5 });
      expect(hits.map((h) => [h.attachment_id, h.ordinal])).toEqual([[copy.id, 0]]);
      expect(await store.attachments.usedBytes('u')).toBe(used + 5);
      expect((await store.attachments.forMessages('u', [q!.id])).get(q!.id)?.map((a) => a.id)).toEqual([
        big.id,
        small.id,
      ]);
      // Deleting the original version leaves the copy and its bytes.
      await store.messages.deleteSubtree('u', q!.id);
      expect(await store.attachments.get('u', big.id)).toBeUndefined();
      expect((await store.attachments.content('u', copy.id))?.bytes.byteLength).toBe(big.size);
      expect(await store.attachments.usedBytes('u')).toBe(big.size + 5);
    });

    it('a deleted large file is gone from every read at once; its chunks follow, with a draft, message or chat', async () => {
      // Past one write batch (256 chunks): the chunks go in several batches after the file on SQLite.
      const words = Array.from({ length: 600 }, (_, i) => `needle${i % 7} line ${i} `);
      const draft = await store.attachments.create('u', textFile('draft.log', words.join(''), words), QUOTA_LARGE);
      const sent = await store.attachments.create('u', textFile('sent.log', words.join('.'), words), QUOTA_LARGE);
      const inChat = await store.attachments.create('u', textFile('chat.log', words.join(','), words), QUOTA_LARGE);
      const session = await store.sessions.create('u', { title: 'files' });
      const first = await store.messages.append('u', session.id, { role: 'user', content: 'read these' });
      const other = await store.sessions.create('u', { title: 'more files' });
      const second = await store.messages.append('u', other.id, { role: 'user', content: 'and this' });
      await store.attachments.bind('u', first!.id, [sent.id]);
      await store.attachments.bind('u', second!.id, [inChat.id]);
      expect(await chunkRows(store)).toBe(3 * words.length);

      const gone = async (id: string) => {
        expect(await store.attachments.get('u', id)).toBeUndefined();
        expect(await store.attachments.text('u', id)).toBeUndefined();
        expect(await store.attachments.firstChunks('u', id, 5)).toEqual([]);
        expect(await store.attachments.searchChunks('u', { attachmentIds: [id], query: 'needle3', limit: 5 })).toEqual(
          [],
        );
      };
      expect(await store.attachments.deleteUnsent('u', draft.id)).toBe('deleted');
      await gone(draft.id);
      expect(await store.messages.deleteSubtree('u', first!.id)).toBe(1);
      await gone(sent.id);
      expect(await store.sessions.delete('u', other.id)).toBe(true);
      await gone(inChat.id);
      expect((await store.attachments.listUnsent('u')).map((a) => a.id)).toEqual([]);

      await store.attachments.purgeDeleted();
      expect(await chunkRows(store)).toBe(0);
      expect(await store.attachments.purgeDeleted()).toBe(0);
      // The full-text index lost their entries too: a new file's chunks are the only ones found.
      const fresh = await store.attachments.create('u', textFile('new.log', 'needle3 again', ['needle3 again']), QUOTA);
      const hits = await store.attachments.searchChunks('u', { attachmentIds: [fresh.id], query: 'needle3', limit: 5 });
      expect(hits.map((h) => h.text)).toEqual(['needle3 again']);
    });

    it('replaces a file’s chunks for its owner only; complete uploads leave nothing unfinished', async () => {
      const file = await store.attachments.create('u', textFile('big.md', 'alpha beta', ['alpha ', 'beta']), QUOTA);
      expect(await store.attachments.unfinishedChunks()).toEqual([]);
      const chunks = [{ ordinal: 0, start: 0, end: 10, heading: null, page: null, text: 'alpha gamma' }];
      expect(await store.attachments.replaceChunks('v', file.id, chunks)).toBe(false);
      expect(await store.attachments.replaceChunks('u', 'missing', chunks)).toBe(false);
      expect(await store.attachments.replaceChunks('u', file.id, chunks)).toBe(true);
      expect((await store.attachments.text('u', file.id))?.chunks).toEqual([
        { ordinal: 0, start: 0, end: 10, heading: null, page: null },
      ]);
      const hits = await store.attachments.searchChunks('u', { attachmentIds: [file.id], query: 'gamma', limit: 5 });
      expect(hits.map((h) => h.text)).toEqual(['alpha gamma']);
      expect(await store.attachments.get('u', file.id)).toMatchObject({ state: 'indexing', chunked: true });
      expect(await store.attachments.unfinishedChunks()).toEqual([]);
    });

    it('retrieves the chunks that share words with a question, best first, for their owner only', async () => {
      const chunks = [
        'Installing the server takes a minute.',
        'The login test is flaky because the session cookie expires during the run.',
        'Closing remarks about nothing in particular.',
      ];
      const big = await store.attachments.create('u', textFile('big.md', chunks.join(''), chunks), QUOTA);
      const other = await store.attachments.create('u', textFile('other.md', 'login login', ['login login']), QUOTA);
      expect(big.chunked).toBe(true);
      const text = await store.attachments.text('u', big.id);
      expect(text?.chunks.map((c) => [c.ordinal, c.heading])).toEqual([
        [0, 'Section 1'],
        [1, 'Section 2'],
        [2, 'Section 3'],
      ]);
      const hits = await store.attachments.searchChunks('u', {
        attachmentIds: [big.id],
        query: 'why is the login test flaky?',
        limit: 5,
      });
      expect(hits[0]).toMatchObject({ attachment_id: big.id, name: 'big.md', ordinal: 1, heading: 'Section 2' });
      expect(hits.every((h) => h.attachment_id === big.id)).toBe(true);
      expect(
        await store.attachments.searchChunks('v', { attachmentIds: [big.id, other.id], query: 'login', limit: 5 }),
      ).toEqual([]);
      expect(await store.attachments.searchChunks('u', { attachmentIds: [big.id], query: '?!', limit: 5 })).toEqual([]);
      expect((await store.attachments.firstChunks('u', big.id, 2)).map((c) => c.ordinal)).toEqual([0, 1]);
      expect(await store.attachments.firstChunks('v', big.id, 2)).toEqual([]);
      await store.attachments.setTokens('u', big.id, 42);
      expect((await store.attachments.get('u', big.id))?.tokens).toBe(42);
      // Deleting the file removes its chunks from the index too.
      await store.attachments.deleteUnsent('u', big.id);
      expect(await store.attachments.searchChunks('u', { attachmentIds: [big.id], query: 'login', limit: 5 })).toEqual(
        [],
      );
    });
    describe('export and import', () => {
      interface FileMessage {
        role: string;
        attachments?: { name: string; mime: string; size: number; sha256: string; data_base64: string }[];
      }
      interface File {
        version: number;
        chats: { messages: FileMessage[] }[];
      }
      const importText = (userId: string, text: string, quotaBytes = 10_000) =>
        importChats(store, userId, { open: () => streamOf(text), attachments: { quotaBytes, maxFileBytes: 5000 } });

      async function chatWithFiles() {
        const s = await store.sessions.create('u', { title: 'Files' });
        const q = await store.messages.append('u', s.id, { role: 'user', content: 'read these' });
        await store.messages.append('u', s.id, { role: 'assistant', content: 'done', parent_id: q!.id });
        const a = await store.attachments.create('u', textFile('a.md', '# A\n\nalpha zeppelin'), QUOTA);
        const b = await store.attachments.create('u', textFile('b.csv', 'x,y\n1,2\n'), QUOTA);
        await store.attachments.bind('u', q!.id, [a.id, b.id]);
        return collect(exportChatsJson(store, 'u'));
      }

      it('exports each message with its files and imports them back, bytes and text alike', async () => {
        const text = await chatWithFiles();
        const file = JSON.parse(text) as File;
        expect(exportSchemaValidator()(file)).toEqual({ valid: true, errors: [] });
        expect(file.version).toBe(2);
        const [question, reply] = file.chats[0]!.messages;
        expect(question?.attachments?.map((x) => [x.name, Buffer.from(x.data_base64, 'base64').toString()])).toEqual([
          ['a.md', '# A\n\nalpha zeppelin'],
          ['b.csv', 'x,y\n1,2\n'],
        ]);
        expect(reply).not.toHaveProperty('attachments');

        const summary = await importText('w', text);
        expect(summary).toMatchObject({ imported: 1, messages: 2 });
        const copy = (await store.sessions.list('w')).items[0]!;
        const [q] = (await store.messages.list('w', copy.id))!.items;
        const files = (await store.attachments.forMessages('w', [q!.id])).get(q!.id) ?? [];
        expect(files.map((f) => [f.name, f.mime, f.size, f.message_id])).toEqual([
          ['a.md', 'text/plain', 19, q!.id],
          ['b.csv', 'text/plain', 8, q!.id],
        ]);
        expect((await store.attachments.text('w', files[0]!.id))?.text).toBe('# A\n\nalpha zeppelin');
        expect(await store.attachments.usedBytes('w')).toBe(27);
        // Exported again, the file says the same (ids and times aside).
        const again = JSON.parse(await collect(exportChatsJson(store, 'w'))) as File;
        expect(again.chats[0]!.messages[0]!.attachments).toEqual(question?.attachments);
      });

      it('refuses a file whose bytes do not match their sha256, or past the quota or size, storing nothing', async () => {
        const text = await chatWithFiles();
        const file = JSON.parse(text) as File;
        const first = file.chats[0]!.messages[0]!.attachments![0]!;
        const tampered = structuredClone(file);
        tampered.chats[0]!.messages[0]!.attachments![0]!.data_base64 =
          Buffer.from('# A\n\nalpha zeppeliN').toString('base64');
        await expect(importText('w', JSON.stringify(tampered))).rejects.toMatchObject({
          code: 'validation_error',
          message: expect.stringContaining('messages.0.attachments.0.sha256'),
        });
        await expect(importText('w', text, 20)).rejects.toMatchObject({ code: 'attachment_quota_exceeded' });
        const big = structuredClone(file);
        const bytes = Buffer.alloc(6000, 'x');
        big.chats[0]!.messages[0]!.attachments![0] = {
          ...first,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          data_base64: bytes.toString('base64'),
        };
        await expect(importText('w', JSON.stringify(big))).rejects.toMatchObject({
          message: expect.stringContaining('messages.0.attachments.0.size'),
        });
        expect((await store.sessions.list('w')).items).toHaveLength(0);
        expect(await store.attachments.usedBytes('w')).toBe(0);
      });
    });
  });
}
