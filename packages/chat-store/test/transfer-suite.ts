/**
 * Export and import against a real store, whatever the engine: the SQLite and the PostgreSQL transfer test files
 * both run this suite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  exportChatsJson,
  exportChatsMarkdown,
  importChats,
  ImportFormatError,
  plainMessage,
  type ChatStore,
} from '../src/index.js';
import { exportSchemaValidator } from './export-schema.js';
import type { SuiteStore } from './store-suite.js';

export const TRANSFER_FIXTURES = join(import.meta.dirname, 'fixtures/transfer');

/** A file's bytes as a stream of chunks. */
export async function* streamOf(data: string | Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

interface ExportFile {
  format: string;
  version: number;
  exported_at: string;
  chats: Array<
    {
      id: string;
      current_message_id: string | null;
      messages: Array<{ id: string; parent_id: string | null }>;
    } & Record<string, unknown>
  >;
}

/** An export with every id replaced by its position, so two exports compare by content. */
export function withoutIds(text: string): unknown {
  const file = JSON.parse(text) as ExportFile;
  return {
    ...file,
    exported_at: '(time)',
    chats: file.chats.map((chat, c) => {
      const index = new Map(chat.messages.map((m, i) => [m.id, `m${i}`]));
      return {
        ...chat,
        id: `chat${c}`,
        current_message_id: chat.current_message_id === null ? null : index.get(chat.current_message_id),
        messages: chat.messages.map((m) => ({
          ...m,
          id: index.get(m.id),
          parent_id: m.parent_id === null ? null : index.get(m.parent_id),
        })),
      };
    }),
  };
}

const fixture = (name: string) => readFileSync(join(TRANSFER_FIXTURES, name));
const importText = (store: ChatStore, userId: string, data: string | Uint8Array) =>
  importChats(store, userId, { open: () => streamOf(data) });

/** Registers the transfer tests under `describe(name)`. */
export function describeTransferSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`${name} transfer`, () => {
    let t: SuiteStore;
    beforeEach(async () => {
      t = await open();
    });
    afterEach(() => t.cleanup());

    it('imports a ChatGPT export whole and searchable at once, and skips it the second time', async () => {
      const summary = await importText(t.store, 'u', fixture('chatgpt-conversations.json'));
      expect(summary).toMatchObject({
        chats: 2,
        imported: 2,
        duplicates: 0,
        messages: 10,
        skipped: { nodes: 4, parts: 1 },
      });
      const chats = [
        ...(await t.store.sessions.list('u')).items,
        ...(await t.store.sessions.list('u', { archived: true })).items,
      ];
      expect(chats.map((c) => c.title).sort()).toEqual(['Système et édition', 'Trip to Zürich 🇨🇭']);
      const trip = chats.find((c) => c.title.startsWith('Trip'))!;
      expect(trip.created_at).toBe('2026-01-01T00:00:00.123Z');
      const hits = await t.store.search('u', 'Grossmünster');
      expect(hits.items.map((h) => h.session_id)).toEqual([trip.id]);

      // Every branch is there; the chat shows the branch ChatGPT showed (current_node), tool output left out.
      const branch = await t.store.messages.list('u', trip.id);
      expect(branch!.items.map((m) => m.content)).toEqual([
        'Plan two days in Zürich — ünïcödé, 日本語 and ✓ welcome',
        "Day 1: the old town.\n\n```python\nprint('Grüezi')\n```",
        'Which church is this?',
        'It looks like the Grossmünster.',
      ]);
      expect(trip.current_leaf_id).toBe(branch!.items[3]!.id);
      expect(branch!.items[1]).toMatchObject({
        sibling_position: 1,
        sibling_count: 2,
        model_id: 'gpt-4o',
        finish_reason: 'stop',
      });
      const siblings = await t.store.messages.siblings('u', branch!.items[1]!.id);
      expect(siblings!.items.map((m) => m.content)).toEqual([
        branch!.items[1]!.content,
        'A second plan: the lake first.',
      ]);
      const french = chats.find((c) => c.title.startsWith('Syst'))!;
      expect((await t.store.messages.list('u', french.id))!.items.map((m) => [m.role, m.content, m.status])).toEqual([
        ['system', 'Réponds en français.', 'complete'],
        ['user', 'Bonsoir', 'complete'],
        ['assistant', 'Bonsoir ! Comment ça va ?', 'partial'],
      ]);
      // A new message goes on under the imported leaf.
      const next = await t.store.messages.append('u', trip.id, { role: 'user', content: 'Thanks' });
      expect(next!.parent_id).toBe(branch!.items[3]!.id);

      const again = await importText(t.store, 'u', fixture('chatgpt-conversations.json'));
      expect(again).toMatchObject({ chats: 2, imported: 0, duplicates: 2, messages: 0 });
      expect(again.items.map((i) => i.status)).toEqual(['duplicate', 'duplicate']);
      expect(again.items.map((i) => i.session_id).sort()).toEqual(summary.items.map((i) => i.session_id).sort());
      expect((await t.store.sessions.list('u')).items).toHaveLength(1);
      // Another user importing the same file gets their own copies.
      expect(await importText(t.store, 'v', fixture('chatgpt-conversations.json'))).toMatchObject({ imported: 2 });
    });

    it('imports an Open WebUI export with its settings, statuses and models', async () => {
      const summary = await importText(t.store, 'u', fixture('open-webui-export.json'));
      expect(summary).toMatchObject({ chats: 2, imported: 2, messages: 7, skipped: { nodes: 1, parts: 1 } });
      const regex = await t.store.sessions.get('u', summary.items[0]!.session_id);
      expect(regex).toMatchObject({
        title: 'Regex help ✨',
        pinned: true,
        settings: { system_prompt: 'Answer with code only.', temperature: 0.3 },
      });
      const legacy = await t.store.messages.list('u', summary.items[1]!.session_id);
      expect(legacy!.items.map((m) => [m.role, m.content, m.status])).toEqual([
        ['user', 'hi', 'complete'],
        ['assistant', 'Hello! Привет!', 'error'],
      ]);
      expect((await t.store.search('u', 'Привет')).items).toHaveLength(1);
    });

    it('stores nothing of a file with a bad chat, and says which chat and field', async () => {
      const file = JSON.parse(fixture('chatgpt-conversations.json').toString()) as Array<{
        mapping: Record<string, { parent: string | null }>;
      }>;
      file[1]!.mapping.u!.parent = 'missing-node';
      const error = await importText(t.store, 'u', JSON.stringify(file)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportFormatError);
      expect((error as Error).message).toBe(
        'Chat #2 "Système et édition": mapping.u.parent: node "missing-node" does not exist',
      );
      expect((await t.store.sessions.list('u')).items).toHaveLength(0);
      expect((await t.store.sessions.list('u', { archived: true })).items).toHaveLength(0);

      const truncated = fixture('open-webui-export.json').subarray(0, 2000);
      await expect(importText(t.store, 'u', truncated)).rejects.toThrow(/^the file is not valid JSON/);
      expect((await t.store.sessions.list('u')).items).toHaveLength(0);
    });

    it('round-trips our export: export, import elsewhere, export again gives the same content', async () => {
      await importText(t.store, 'u', fixture('chatgpt-conversations.json'));
      await importText(t.store, 'u', fixture('open-webui-export.json'));
      await importText(t.store, 'u', fixture('chat-studio-export.json'));
      const own = await t.store.sessions.create('u', { title: 'Typed here', settings: { top_k: 5, seed: 7 } });
      await t.store.messages.append('u', own.id, { role: 'user', content: 'Hello 👋' });
      await t.store.messages.append('u', own.id, {
        role: 'assistant',
        content: '```js\n1\n```',
        status: 'partial',
        model_id: 'stories260K',
        prompt_tokens: 3,
        completion_tokens: 4,
        time_to_first_token_ms: 12.5,
        tokens_per_second: 99.5,
        finish_reason: 'abort',
      });

      // A branch made here after the import travels too.
      const haiku = (await t.store.sessions.list('u')).items.find((c) => c.title === 'Haiku 🌸')!;
      const path = (await t.store.messages.list('u', haiku.id))!.items;
      await t.store.messages.append('u', haiku.id, { role: 'user', content: 'An edit', parent_id: path[1]!.id });

      const first = await collect(exportChatsJson(t.store, 'u'));
      expect(JSON.parse(first)).toMatchObject({ format: 'chat-studio-export', version: 2 });
      expect(exportSchemaValidator()(JSON.parse(first))).toEqual({ valid: true, errors: [] });
      const summary = await importText(t.store, 'w', first);
      expect(summary).toMatchObject({ chats: 7, imported: 7, duplicates: 0 });
      const second = await collect(exportChatsJson(t.store, 'w'));
      expect(withoutIds(second)).toEqual(withoutIds(first));
      const copied = JSON.parse(second) as ExportFile;
      const haikuCopy = copied.chats.find((c) => c.title === 'Haiku 🌸')!;
      expect(
        haikuCopy.messages.map((m) =>
          m.parent_id === null ? null : haikuCopy.messages.findIndex((p) => p.id === m.parent_id),
        ),
      ).toEqual([null, 0, 0, 2, 2]);
      expect(haikuCopy.current_message_id).toBe(haikuCopy.messages[4]!.id);

      // The user who still has those chats gets no copies of them.
      expect(await importText(t.store, 'u', first)).toMatchObject({ imported: 0, duplicates: 7 });
    });

    it('exports one chat, or nothing of another user’s, and pages long chats', async () => {
      // Made by an import: 1,203 appends one by one would take long on PostgreSQL.
      const messages = Array.from({ length: 1203 }, (_, i) =>
        plainMessage({
          ref: `r${i}`,
          parent_ref: i === 0 ? null : `r${i - 1}`,
          role: i % 2 ? 'assistant' : 'user',
          content: `line ${i}`,
          created_at: 1_000 + i,
        }),
      );
      const made = await t.store.transfer.importChat('u', {
        format: 'chat-studio',
        source_id: 'long',
        title: 'Long',
        created_at: 1_000,
        updated_at: 3_000,
        pinned: false,
        archived: false,
        settings: {},
        messages,
        current_ref: 'r1202',
        skipped: { nodes: 0, parts: 0 },
      });
      const s = { id: made.session_id };
      await t.store.sessions.create('u', { title: 'Other' });
      const one = JSON.parse(await collect(exportChatsJson(t.store, 'u', { sessionId: s.id }))) as ExportFile;
      expect(one.chats.map((c) => c.id)).toEqual([s.id]);
      expect(one.chats[0]!.messages.map((m) => (m as unknown as { content: string }).content)).toEqual(
        Array.from({ length: 1203 }, (_, i) => `line ${i}`),
      );
      expect(one.chats[0]!.current_message_id).toBe(one.chats[0]!.messages[1202]!.id);

      expect(JSON.parse(await collect(exportChatsJson(t.store, 'x', { sessionId: s.id })))).toMatchObject({
        chats: [],
      });
      expect(await t.store.transfer.exportMessages('x', s.id)).toBeUndefined();
      const markdown = await collect(exportChatsMarkdown(t.store, 'u', { sessionId: s.id }));
      expect(markdown.startsWith('# Long\n\n')).toBe(true);
      expect(markdown.match(/^## (User|Assistant)$/gm)).toHaveLength(1203);
    });

    it('imports again a chat whose earlier import was deleted', async () => {
      const first = await importText(t.store, 'u', fixture('open-webui-export.json'));
      await t.store.sessions.delete('u', first.items[0]!.session_id);
      const again = await importText(t.store, 'u', fixture('open-webui-export.json'));
      expect(again.items.map((i) => i.status)).toEqual(['imported', 'duplicate']);
    });
  });
}
