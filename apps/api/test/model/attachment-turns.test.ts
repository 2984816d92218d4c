/**
 * Issue #17 leftovers with the real test model over a real socket: an edited message keeps its files (copies; the
 * old version keeps its own) unless the edit names others; a regenerated question keeps its files; prepare preloads
 * the staged files' `<file>` blocks so the next turn reads them from the KV cache; edited messages are embedded for
 * search by meaning and a deleted message's vector goes with it.
 */
import { describe, expect, it } from 'vitest';
import { openChatStore } from '@chat-studio/chat-store';
import type {
  AttachmentSummary,
  ChatMessage,
  ChatSession,
  ErrorEnvelope,
  MessageSiblings,
  SearchHit,
  SendResponse,
  StreamStartEvent,
} from '@chat-studio/protocol';
import { waitFor } from '@chat-studio/test-support';
import { useDebugModelServer } from './debug-model-server.js';
import { post, turnsSent } from './model-requests.js';

describe('files across edits, regenerations and prepare, with the real test model', () => {
  const { api, logsDir, databasePath } = useDebugModelServer();
  const upload = async (name: string, body: string): Promise<AttachmentSummary> => {
    const form = new FormData();
    form.append('file', new File([body], name, { type: 'text/plain' }));
    const res = await api('/api/attachments', { method: 'POST', body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as AttachmentSummary;
  };
  /** A streamed turn (send, edit or regenerate): its start event, and the last event's type. */
  const streamed = async (p: string, body: unknown) => {
    const res = await api(p, post(body));
    expect(res.status, await res.clone().text()).toBe(200);
    const events = (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { type: string });
    expect(events.at(-1)?.type).toBe('done');
    return events.find((e) => e.type === 'start') as StreamStartEvent;
  };
  /** The debug log's user turn that ends with `text` (the log is written after the reply is stored). */
  const sentTurn = (text: string) =>
    waitFor(() => turnsSent(logsDir).findLast((t) => t.endsWith(text)) ?? false, 20_000, `the turn "${text}"`);
  const newSession = async () => (await (await api('/api/chat/sessions', post({}))).json()) as ChatSession;

  it('an edit carries the files unless it names others; the old version keeps its own', async () => {
    const session = await newSession();
    const notes = await upload('notes.md', 'The secret animal is a narwhal.\n');
    const first = await streamed('/api/chat/stream', {
      session_id: session.id,
      message: 'Which animal?',
      attachments: [notes.id],
      max_tokens: 2,
    });
    const edit = (messageId: string, body: Record<string, unknown>) =>
      streamed(`/api/chat/sessions/${session.id}/messages/${messageId}/edit`, { params: { max_tokens: 2 }, ...body });

    // No `attachments`: the new version carries the file, as a copy of its own.
    const kept = await edit(first.user_message.id, { content: 'Which animal, really?' });
    const carried = kept.user_message.attachments ?? [];
    expect(carried.map((a) => [a.name, a.sha256, a.message_id])).toEqual([
      ['notes.md', notes.sha256, kept.user_message.id],
    ]);
    expect(carried[0]?.id).not.toBe(notes.id);
    expect(await sentTurn('Which animal, really?')).toBe(
      '<file name="notes.md">\nThe secret animal is a narwhal.\n\n</file>\n\nWhich animal, really?',
    );
    // The old version still has its file.
    const siblings = (await (
      await api(`/api/chat/sessions/${session.id}/messages/${first.user_message.id}/siblings`)
    ).json()) as MessageSiblings;
    expect(siblings.items.map((m) => m.attachments?.map((a) => a.id))).toEqual([[notes.id], [carried[0]?.id]]);

    // `attachments: []` replaces them with none.
    const bare = await edit(first.user_message.id, { content: 'No file this time', attachments: [] });
    expect(bare.user_message.attachments).toBeUndefined();
    expect(await sentTurn('No file this time')).toBe('No file this time');

    // A new upload and the original's file, in that order; another message's file is refused, storing nothing.
    const extra = await upload('extra.txt', 'An extra fact: the sky is green.\n');
    const both = await edit(first.user_message.id, { content: 'Both files', attachments: [extra.id, notes.id] });
    expect(both.user_message.attachments?.map((a) => a.name)).toEqual(['extra.txt', 'notes.md']);
    expect((await sentTurn('Both files')).indexOf('extra.txt')).toBeLessThan(
      (await sentTurn('Both files')).indexOf('notes.md'),
    );
    const foreign = await api(
      `/api/chat/sessions/${session.id}/messages/${bare.user_message.id}/edit`,
      post({ content: 'x', attachments: [notes.id] }),
    );
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as ErrorEnvelope).error.code).toBe('attachment_not_found');

    // Regenerating a question keeps its files in the prompt.
    await streamed(`/api/chat/sessions/${session.id}/messages/${kept.user_message.id}/regenerate`, {
      params: { max_tokens: 2, seed: 7 },
    });
    const regenerated = await waitFor(
      () => {
        const turns = turnsSent(logsDir).filter((t) => t.endsWith('Which animal, really?'));
        return turns.length >= 2 && turns;
      },
      20_000,
      'the regenerated turn',
    );
    expect(regenerated.at(-1)).toContain('<file name="notes.md">');

    // A saved edit without a reply (PATCH) carries the files too.
    const patched = await api(`/api/chat/sessions/${session.id}/messages/${first.user_message.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Saved edit' }),
    });
    expect(patched.status).toBe(201);
    expect(((await patched.json()) as ChatMessage).attachments?.map((a) => a.name)).toEqual(['notes.md']);

    // Deleting the first version takes its own file only: the copies stay with their versions.
    expect(
      (await api(`/api/chat/sessions/${session.id}/messages/${first.user_message.id}`, { method: 'DELETE' })).status,
    ).toBe(200);
    expect((await api(`/api/attachments/${notes.id}`)).status).toBe(404);
    const copy = await api(`/api/attachments/${carried[0]?.id}/content`);
    expect(copy.status).toBe(200);
    expect(await copy.text()).toBe('The secret animal is a narwhal.\n');
  }, 180_000);

  it('prepare preloads the staged files, so the next turn reads them from the KV cache', async () => {
    const fact = 'Facts about the little dog and the big park. '.repeat(8);
    const seed = async () => {
      const session = await newSession();
      for (let turn = 1; turn <= 3; turn++) {
        await api(
          `/api/chat/sessions/${session.id}/messages`,
          post({ role: 'user', content: `Turn ${turn}: where did the little dog run?` }),
        );
        await api(
          `/api/chat/sessions/${session.id}/messages`,
          post({ role: 'assistant', content: `The little dog ran to the big park number ${turn}.` }),
        );
      }
      return { session: session.id, file: await upload('dog.txt', fact) };
    };
    const withFiles = await seed();
    const historyOnly = await seed();
    const prepare = (body: Record<string, unknown>) => api('/api/chat/prepare', post(body));
    const send = async (chat: { session: string; file: AttachmentSummary }, maxTokens: number) => {
      const res = await api(
        '/api/chat/send',
        post({
          session_id: chat.session,
          message: 'And then?',
          attachments: [chat.file.id],
          max_tokens: maxTokens,
          temperature: 0,
        }),
      );
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as SendResponse).stats;
    };

    // Refusals: a malformed id and an unknown field name the field; another message's or a missing file is a 404.
    const bad = await prepare({ session_id: withFiles.session, attachments: ['not an id'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('attachments');
    const unknown = await prepare({ session_id: withFiles.session, attachment: [withFiles.file.id] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain('attachment');
    const missing = await prepare({ session_id: withFiles.session, attachments: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'] });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorEnvelope).error.code).toBe('attachment_not_found');

    const prepared = await prepare({ session_id: withFiles.session, attachments: [withFiles.file.id] });
    expect(prepared.status).toBe(202);
    expect(await prepared.json()).toEqual({ status: 'preparing' });
    expect((await prepare({ session_id: historyOnly.session })).status).toBe(202);
    const warm = await send(withFiles, 4);
    // One more token keeps the response cache out of it.
    const partial = await send(historyOnly, 5);
    expect(warm.prompt_tokens).toBe(partial.prompt_tokens);
    const fileTokens = withFiles.file.tokens ?? 0;
    expect(fileTokens).toBeGreaterThan(50);
    // With the files preloaded, only the new words are evaluated; without, the file's block is evaluated too.
    expect(warm.cached_tokens).toBeGreaterThan(warm.prompt_tokens - 30);
    expect(partial.cached_tokens).toBeLessThan(partial.prompt_tokens - fileTokens);
    // The staged file is still unsent until the send binds it.
    const sent = (await (await api(`/api/attachments/${withFiles.file.id}`)).json()) as AttachmentSummary;
    expect(sent.message_id).not.toBeNull();
    const again = await prepare({ session_id: withFiles.session, attachments: [withFiles.file.id] });
    expect(again.status).toBe(404);
  }, 180_000);

  it('embeds an edited message for search by meaning, and drops a deleted message’s vector', async () => {
    const settings = await api('/api/chat/search/settings', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meaning_search: true }),
    });
    expect(settings.status).toBe(200);
    const session = await newSession();
    const first = await streamed('/api/chat/stream', {
      session_id: session.id,
      message: 'a recipe for banana bread with walnuts',
      max_tokens: 2,
    });
    const editedText = 'quarterly tax forms are due in April';
    const edited = await streamed(`/api/chat/sessions/${session.id}/messages/${first.user_message.id}/edit`, {
      content: editedText,
      params: { max_tokens: 2 },
    });
    const meaning = async (q: string, options: { notYet?: boolean } = {}) => {
      const res = await api(`/api/chat/search?${new URLSearchParams({ q, mode: 'meaning', limit: '5' })}`);
      // 503 until the first vector is stored.
      if (options.notYet && res.status === 503) return [];
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { items: SearchHit[] }).items.map((h) => h.message_id);
    };
    // The background embedder polls every 5 s: the new version is found by its own text, first.
    await waitFor(
      async () => (await meaning(editedText, { notYet: true }))[0] === edited.user_message.id,
      60_000,
      'the edited message embedded',
    );
    // The old version is still there and still found.
    expect(await meaning('a recipe for banana bread with walnuts')).toContain(first.user_message.id);

    const del = await api(`/api/chat/sessions/${session.id}/messages/${edited.user_message.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await meaning(editedText)).not.toContain(edited.user_message.id);
    // Its vector went with it: no vector is left without its message (read beside the running server).
    const store = await openChatStore({ path: databasePath });
    try {
      const check = await store.vectors.check();
      expect(check.orphans, check.problems.join(' ')).toBe(0);
      expect((await store.vectors.progress()).embedded).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 120_000);
});
