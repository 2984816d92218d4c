import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportSchemaValidator } from '../../test/export-schema.js';
import {
  closeOpenFence,
  ImportFormatError,
  readChats,
  renderMarkdown,
  type ReadChat,
  type TransferChat,
} from './index.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/transfer');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** The file as a stream of small chunks, so that values and multi-byte characters straddle chunk borders. */
async function* chunks(data: Uint8Array | string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(data: Uint8Array | string, size?: number): Promise<TransferChat[]> {
  const out: ReadChat[] = [];
  for await (const item of readChats(chunks(data, size))) out.push(item);
  expect(out.map((c) => c.position)).toEqual(out.map((_, i) => i + 1));
  return out.map((c) => c.chat);
}

async function readError(data: string): Promise<ImportFormatError> {
  try {
    await readAll(data);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFormatError);
    return error as ImportFormatError;
  }
  throw new Error('expected the file to be refused');
}

/** Each message as `role:content>parent content`, to compare trees by what they say. */
function shape(chat: TransferChat): string[] {
  const byRef = new Map(chat.messages.map((m) => [m.ref, m]));
  return chat.messages.map(
    (m) => `${m.role}:${m.content}${m.parent_ref ? ` < ${byRef.get(m.parent_ref)!.content}` : ''}`,
  );
}

describe('ChatGPT conversations.json', () => {
  it('keeps every branch, skips empty, hidden and tool nodes and non-text parts, and counts them', async () => {
    const [trip, french] = await readAll(fixture('chatgpt-conversations.json'));
    expect(trip).toMatchObject({
      format: 'chatgpt',
      source_id: '6f1c2a9e-0000-4000-8000-000000000001',
      title: 'Trip to Zürich 🇨🇭',
      created_at: 1767225600123,
      updated_at: 1767229200500,
      archived: false,
      skipped: { nodes: 3, parts: 1 },
    });
    expect(shape(trip!)).toEqual([
      'user:Plan two days in Zürich — ünïcödé, 日本語 and ✓ welcome',
      "assistant:Day 1: the old town.\n\n```python\nprint('Grüezi')\n``` < Plan two days in Zürich — ünïcödé, 日本語 and ✓ welcome",
      "user:Which church is this? < Day 1: the old town.\n\n```python\nprint('Grüezi')\n```",
      'assistant:It looks like the Grossmünster. < Which church is this?',
      'assistant:A second plan: the lake first. < Plan two days in Zürich — ünïcödé, 日本語 and ✓ welcome',
    ]);
    expect(trip!.current_ref).toBe('a-2');
    const a1 = trip!.messages.find((m) => m.ref === 'a-1')!;
    expect(a1).toMatchObject({
      model_id: 'gpt-4o',
      finish_reason: 'stop',
      status: 'complete',
      created_at: 1767225610000,
    });
    expect(trip!.messages.find((m) => m.ref === 'a-1b')).toMatchObject({ finish_reason: 'length' });

    expect(french).toMatchObject({
      title: 'Système et édition',
      archived: true,
      current_ref: 'a-edit',
      skipped: { nodes: 1, parts: 0 },
    });
    expect(shape(french!)[0]).toBe('system:Réponds en français.');
    expect(french!.messages.filter((m) => m.parent_ref === 's').map((m) => m.content)).toEqual(['Bonjour', 'Bonsoir']);
    expect(french!.messages.find((m) => m.ref === 'a-edit')).toMatchObject({
      status: 'partial',
      finish_reason: 'abort',
    });
  });

  it('reads the same whatever the chunk size', async () => {
    const whole = await readAll(fixture('chatgpt-conversations.json'), 1 << 20);
    expect(await readAll(fixture('chatgpt-conversations.json'), 1)).toEqual(whole);
  });

  it('names the chat and the field of a parent that does not exist, or of a cycle', async () => {
    const missing = JSON.stringify([
      { title: 'Good', mapping: {} },
      { title: 'Broken', mapping: { a: { id: 'a', parent: 'zz', children: [], message: null } } },
    ]);
    const e1 = await readError(missing);
    expect(e1.message).toBe('Chat #2 "Broken": mapping.a.parent: node "zz" does not exist');
    expect(e1).toMatchObject({ chat: '#2 "Broken"', field: 'mapping.a.parent', code: 'validation_error' });

    const cycle = JSON.stringify([
      { title: 'Loop', mapping: { a: { parent: 'b', children: [] }, b: { parent: 'a', children: [] } } },
    ]);
    expect((await readError(cycle)).message).toMatch(
      /^Chat #1 "Loop": mapping\.a\.parent: the parent links form a cycle/,
    );

    const role = JSON.stringify([
      { mapping: { a: { parent: null, message: { content: { content_type: 'text', parts: ['x'] } } } } },
    ]);
    expect((await readError(role)).message).toBe('Chat #1: mapping.a.message.author.role: missing');
  });
});

describe('Open WebUI chat export', () => {
  it('reads history.messages with parentId/childrenIds/currentId, and the legacy layout', async () => {
    const [regex, legacy] = await readAll(fixture('open-webui-export.json'));
    expect(regex).toMatchObject({
      format: 'open-webui',
      source_id: '8d0b6c1e-0000-4000-8000-0000000000a1',
      title: 'Regex help ✨',
      pinned: true,
      created_at: 1767398400000,
      updated_at: 1767398505000,
      settings: { system_prompt: 'Answer with code only.', temperature: 0.3 },
      current_ref: 'm5',
      skipped: { nodes: 1, parts: 1 },
    });
    expect(shape(regex!)).toEqual([
      'system:Answer with code only.',
      'user:Match an e-mail like ü@例え.jp? < Answer with code only.',
      'assistant:```regex\n^[^@\\s]+@[^@\\s]+$\n``` < Match an e-mail like ü@例え.jp?',
      'user:And this screenshot? < ```regex\n^[^@\\s]+@[^@\\s]+$\n```',
      'assistant:That is a cat 🐈. < And this screenshot?',
    ]);
    expect(regex!.messages.find((m) => m.ref === 'm2')).toMatchObject({
      model_id: 'llama3.1:8b',
      status: 'complete',
      created_at: 1767398405000,
      prompt_tokens: 26,
      completion_tokens: 18,
      tokens_per_second: 45.2,
      finish_reason: 'stop',
    });
    expect(regex!.messages.find((m) => m.ref === 'm5')).toMatchObject({
      prompt_tokens: null,
      completion_tokens: null,
      tokens_per_second: null,
    });

    expect(legacy).toMatchObject({
      source_id: 'legacy-chat-1',
      title: 'Old layout',
      created_at: 1767484800000,
      current_ref: 'x2',
    });
    expect(legacy!.messages.find((m) => m.ref === 'x2')).toMatchObject({
      status: 'error',
      finish_reason: 'error',
      content: 'Hello! Привет!',
    });
  });

  it('names the chat and the field of a bad message', async () => {
    const bad = JSON.stringify([
      { id: 'c', title: 'T', chat: { history: { messages: { a: { parentId: null, content: 'x' } }, currentId: 'a' } } },
    ]);
    expect((await readError(bad)).message).toBe('Chat #1 "T": chat.history.messages.a.role: missing');
    const orphan = JSON.stringify([
      {
        id: 'c',
        chat: { title: 'Inner', history: { messages: { a: { role: 'user', parentId: 'gone', content: 'x' } } } },
      },
    ]);
    expect((await readError(orphan)).message).toBe(
      'Chat #1 "Inner": chat.history.messages.a.parentId: node "gone" does not exist',
    );
  });
});

describe('Chat Studio export', () => {
  it('reads the tree, statuses, statistics and settings as written', async () => {
    const [haiku, empty] = await readAll(fixture('chat-studio-export.json'));
    expect(haiku).toMatchObject({
      format: 'chat-studio',
      source_id: '01JDQ7X3Y5Z8A9B0C1D2E3F4G5',
      pinned: true,
      settings: { system_prompt: 'Write haiku.', temperature: 0.7, stop: ['\n\n\n'] },
      current_ref: 'm4',
    });
    expect(haiku!.messages.map((m) => [m.ref, m.parent_ref])).toEqual([
      ['m1', null],
      ['m2', 'm1'],
      ['m3', 'm1'],
      ['m4', 'm3'],
    ]);
    expect(haiku!.messages[1]).toMatchObject({
      status: 'partial',
      prompt_tokens: 12,
      completion_tokens: 5,
      time_to_first_token_ms: 40.5,
      tokens_per_second: 120.25,
      finish_reason: 'abort',
    });
    expect(empty).toMatchObject({ archived: true, messages: [], current_ref: null });
  });

  it('matches the published JSON Schema, which refuses what the reader refuses', () => {
    const validate = exportSchemaValidator();
    const file = JSON.parse(fixture('chat-studio-export.json').toString()) as {
      chats: Array<{ messages: Array<Record<string, unknown>> }>;
    };
    expect(validate(file)).toEqual({ valid: true, errors: [] });
    file.chats[0]!.messages[0]!.role = 'robot';
    delete file.chats[0]!.messages[1]!.status;
    expect(validate(file).errors).toEqual([
      '/chats/0/messages/0/role must be equal to one of the allowed values',
      "/chats/0/messages/1 must have required property 'status'",
    ]);
  });

  it('refuses a newer version, an unknown field, a bad role and a parent that comes later', async () => {
    const file = JSON.parse(fixture('chat-studio-export.json').toString()) as {
      version: number;
      chats: Array<Record<string, unknown> & { messages: Array<Record<string, unknown>> }>;
    };
    const variant = (edit: (f: typeof file) => void) => {
      const copy = structuredClone(file);
      edit(copy);
      return JSON.stringify(copy, null, 2);
    };
    expect((await readError(variant((f) => (f.version = 3)))).message).toBe(
      'version: this file is version 3; this Chat Studio reads version 2 and older',
    );
    expect((await readError(variant((f) => (f.chats[0]!.messages[1]!.role = 'robot')))).message).toMatch(
      /^Chat #1 "Haiku 🌸": messages\.1\.role: /,
    );
    expect((await readError(variant((f) => (f.chats[1]!.colour = 'red')))).message).toMatch(
      /^Chat #2 "Empty": colour: /,
    );
    expect((await readError(variant((f) => f.chats[0]!.messages.reverse()))).message).toBe(
      'Chat #1 "Haiku 🌸": messages.0.parent_id: "m3" is not an earlier message of this chat',
    );
    expect((await readError(variant((f) => (f.chats[0]!.current_message_id = 'nope')))).field).toBe(
      'current_message_id',
    );
  });
});

describe('any file', () => {
  it('refuses what is not an export, with a sentence', async () => {
    expect((await readError('')).message).toBe('the file is empty');
    expect((await readError('PK\u0003\u0004\u0014\u0000conversations.json')).message).toBe(
      'this is a zip archive: unpack it and import the conversations.json inside (ChatGPT) or the .json file',
    );
    expect((await readError('hello')).message).toBe(
      'not an export this Chat Studio reads: expected a JSON object or array, the file starts with "hello"',
    );
    expect((await readError('{"foo": 1}')).message).toBe(
      'Chat #1: (chat): neither a ChatGPT conversation (no `mapping`) nor an Open WebUI chat (no `chat.history`)',
    );
    expect((await readError('[{"title": "a", "mapping": {}}, {"title": "b", "mapp')).message).toMatch(
      /^the file is not valid JSON \(/,
    );
  });

  it('skips a UTF-8 byte order mark', async () => {
    const [chat] = await readAll(`\uFEFF${fixture('open-webui-export.json').toString()}`);
    expect(chat!.title).toBe('Regex help ✨');
  });
});

describe('Markdown', () => {
  it('writes role headings and keeps code fences, closing one a reply left open', () => {
    const at = '2026-12-01T10:00:00.000Z';
    const md = renderMarkdown({ title: 'Code\nreview', created_at: at, updated_at: at }, [
      { role: 'user', content: 'Show me', created_at: at, status: 'complete', model_id: null },
      { role: 'assistant', content: '```ts\nconst a = 1;', created_at: at, status: 'partial', model_id: 'stories260K' },
      { role: 'user', content: 'Thanks', created_at: at, status: 'complete', model_id: null },
    ]);
    expect(md).toBe(
      `# Code review\n\n_Created ${at}, last active ${at}._\n\n## User\n\nShow me\n\n## Assistant (stories260K, partial)\n\n\`\`\`ts\nconst a = 1;\n\`\`\`\n\n## User\n\nThanks\n\n`,
    );
    expect(closeOpenFence('~~~~\n```\n~~~~')).toBe('~~~~\n```\n~~~~');
  });
});
