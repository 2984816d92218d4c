/** Export and import over a real socket: streamed downloads, uploads past the 1 MiB body limit, ownership. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore } from '@chat-studio/chat-store';
import * as v from 'valibot';
import {
  ChatApiError,
  createChatClient,
  ImportSummarySchema,
  type ChatClient,
  type ChatSession,
  type ErrorEnvelope,
  type ImportSummary,
} from '@chat-studio/protocol';
import { createAuthService } from '@chat-studio/security';
import { REPO_ROOT, startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import { fileSlug } from './index.js';

const FIXTURES = path.join(REPO_ROOT, 'packages/chat-store/test/fixtures/transfer');
const chatgpt = readFileSync(path.join(FIXTURES, 'chatgpt-conversations.json'));

/** A ChatGPT export of `count` one-message conversations, each padded to about `bytesEach`. */
function bigChatGptExport(count: number, bytesEach: number): string {
  const conversations = Array.from({ length: count }, (_, i) => ({
    id: `big-${i}`,
    title: `Big ${i}`,
    create_time: 1767225600 + i,
    mapping: {
      [`n${i}`]: {
        id: `n${i}`,
        parent: null,
        children: [],
        message: {
          author: { role: 'user' },
          create_time: 1767225600 + i,
          content: { content_type: 'text', parts: [`needle${i} ${'x'.repeat(bytesEach)}`] },
        },
      },
    },
    current_node: `n${i}`,
  }));
  return JSON.stringify(conversations);
}

describe('export and import over a socket', () => {
  const tmp = tempDir();
  const dbPath = path.join(tmp.dir, 'chat_history.db');
  let server: ApiServer;
  let alice: ChatClient;
  let bob: ChatClient;
  let keys: { alice: string; bob: string };
  const get = (key: string, p: string) =>
    fetch(`${server.baseUrl}${p}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    const store = await openChatStore({ path: dbPath });
    const auth = createAuthService(store);
    const a = await auth.addUser('alice', 'alice-password-1');
    const b = await auth.addUser('bob', 'bob-password-12');
    keys = { alice: (await auth.createApiKey(a.id, 't')).key, bob: (await auth.createApiKey(b.id, 't')).key };
    await store.close();
    server = await startApiServer({
      AUTH: 'on',
      DATABASE_PATH: dbPath,
      DATABASE_URL: '',
      MODELS_DIR: path.join(tmp.dir, 'no-models'),
      IMPORT_MAX_BYTES: String(3 * 1024 * 1024),
    });
    alice = createChatClient({ baseUrl: server.baseUrl, headers: { authorization: `Bearer ${keys.alice}` } });
    bob = createChatClient({ baseUrl: server.baseUrl, headers: { authorization: `Bearer ${keys.bob}` } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('imports a ChatGPT export, says so when it comes again, and exports it streamed', async () => {
    const summary = await alice.importChats(chatgpt);
    // The answer is what the protocol publishes.
    expect(v.safeParse(ImportSummarySchema, summary).success).toBe(true);
    expect(summary).toMatchObject({
      chats: 2,
      imported: 2,
      duplicates: 0,
      messages: 10,
      skipped: { nodes: 4, parts: 1 },
    });
    expect(summary.items.map((i) => [i.title, i.status, i.format])).toEqual([
      ['Trip to Zürich 🇨🇭', 'imported', 'chatgpt'],
      ['Système et édition', 'imported', 'chatgpt'],
    ]);
    const again = await alice.importChats(new Blob([chatgpt]));
    expect(again).toMatchObject({ imported: 0, duplicates: 2 });
    expect((await alice.search('Grossmünster')).items).toHaveLength(1);

    const res = await get(keys.alice, '/api/chat/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="chat-studio-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const file = (await res.json()) as { format: string; chats: Array<{ title: string; messages: unknown[] }> };
    expect(file.format).toBe('chat-studio-export');
    expect(file.chats.map((c) => [c.title, c.messages.length])).toEqual([
      ['Trip to Zürich 🇨🇭', 5],
      ['Système et édition', 5],
    ]);

    // Bob imports Alice's file and gets his own copies; the round trip keeps every message.
    const copied = await bob.importChats(JSON.stringify(file));
    expect(copied).toMatchObject({ chats: 2, imported: 2, messages: 10 });
  });

  it('exports one chat as Markdown of its current branch, and 404s another user’s', async () => {
    const trip = (await alice.listSessions()).items.find((s: ChatSession) => s.title.startsWith('Trip'))!;
    const res = await get(
      keys.alice,
      alice.exportUrl({ sessionId: trip.id, format: 'markdown' }).slice(server.baseUrl.length),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="trip-to-zurich.md"');
    const md = await res.text();
    expect(md).toContain('# Trip to Zürich 🇨🇭\n');
    expect(md).toContain(
      "## Assistant (gpt-4o)\n\nDay 1: the old town.\n\n```python\nprint('Grüezi')\n```\n\n## User\n\nWhich church is this?",
    );
    expect(md).not.toContain('A second plan');

    const foreign = await get(keys.bob, `/api/chat/sessions/${trip.id}/export`);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as ErrorEnvelope).error.code).toBe('not_found');
    const bobAll = (await (await get(keys.bob, '/api/chat/export')).json()) as { chats: Array<{ id: string }> };
    const bobIds = [...(await bob.listSessions()).items, ...(await bob.listSessions({ archived: true })).items].map(
      (s) => s.id,
    );
    expect(bobAll.chats.map((c) => c.id).sort()).toEqual(bobIds.sort());
    expect(bobIds).not.toContain(trip.id);

    const bad = await get(keys.alice, '/api/chat/export?format=xml');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorEnvelope).error.message).toMatch(/^Invalid query: format: /);
    expect((await get(keys.alice, '/api/chat/export?fromat=json')).status).toBe(400);
    expect((await fetch(`${server.baseUrl}/api/chat/export`)).status).toBe(401);
  });

  it('refuses a bad file with the chat and field, storing nothing', async () => {
    const before = (await alice.listSessions()).items.length;
    const broken = JSON.parse(chatgpt.toString()) as Array<{
      title: string;
      mapping: Record<string, { parent: string | null }>;
    }>;
    broken[0]!.title = 'Fresh title';
    broken[1]!.mapping.u!.parent = 'nowhere';
    const err = await alice.importChats(JSON.stringify(broken)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatApiError);
    expect(err).toMatchObject({ status: 400, code: 'validation_error' });
    expect((err as ChatApiError).message).toBe(
      'Import refused, nothing was stored: Chat #2 "Système et édition": mapping.u.parent: node "nowhere" does not exist',
    );
    expect((err as ChatApiError).details).toEqual({ chat: '#2 "Système et édition"', field: 'mapping.u.parent' });
    expect((await alice.listSessions()).items.length).toBe(before);

    const notJson = await alice.importChats('<html>').catch((e: unknown) => e as ChatApiError);
    expect(notJson).toMatchObject({ status: 400, code: 'validation_error' });
  });

  it('takes files past the 1 MiB body limit up to IMPORT_MAX_BYTES, and 413s larger ones', async () => {
    const big = bigChatGptExport(40, 50_000);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const summary: ImportSummary = await bob.importChats(big);
    expect(summary).toMatchObject({ chats: 40, imported: 40, messages: 40 });
    expect((await bob.search('needle39')).items).toHaveLength(1);

    const huge = bigChatGptExport(80, 50_000);
    const err = await bob.importChats(huge).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 413, code: 'payload_too_large' });
    // Without a length up front the limit holds too (chunked upload).
    const chunked = await fetch(`${server.baseUrl}/api/chat/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.bob}`, 'content-type': 'application/octet-stream' },
      body: new Blob([huge]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  }, 60_000);
});

describe('fileSlug', () => {
  it('keeps ASCII letters and digits of a title', () => {
    expect(fileSlug('Trip to Zürich 🇨🇭')).toBe('trip-to-zurich');
    expect(fileSlug('日本語')).toBe('chat');
  });
});
