/**
 * Issue #17: attached files reach the model. A file that fits goes whole into the user turn the runtime is given
 * (read from the debug log, which records the turn as sent); a large file goes by the chunks that match the question,
 * listed as the reply's sources. Files are bound to their message, read back with it and deleted with it.
 */
import { describe, expect, it } from 'vitest';
import type {
  AttachmentLimits,
  AttachmentSummary,
  ChatMessage,
  ChatSession,
  Page,
  SendResponse,
  StreamStartEvent,
} from '@chat-studio/protocol';
import { waitFor } from '@chat-studio/test-support';
import { useDebugModelServer } from './debug-model-server.js';
import { post, turnsSent } from './model-requests.js';

/** A log of `lines` lines with one line that answers the question, far from the start. */
function bigLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(`2026-12-03T00:00:${String(i % 60).padStart(2, '0')}Z INFO worker ${i} finished batch ${i * 7} in 12 ms`);
    if (i === Math.floor(lines * 0.7))
      out.push('2026-12-03T00:10:00Z ERROR zeppelin disk quota exhausted on volume kestrel');
  }
  return `${out.join('\n')}\n`;
}

describe('attachments in the prompt, with the real test model', () => {
  const { api, logsDir } = useDebugModelServer();
  const upload = async (name: string, body: string, type: string): Promise<AttachmentSummary> => {
    const form = new FormData();
    form.append('file', new File([body], name, { type }));
    const res = await api('/api/attachments', { method: 'POST', body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as AttachmentSummary;
  };

  it('puts a file that fits into the user turn, binds it to the message, and deletes it with the message', async () => {
    const session = (await (await api('/api/chat/sessions', post({}))).json()) as ChatSession;
    const notes = await upload('notes.md', '# Notes\n\nThe secret animal is a narwhal.\n', 'text/markdown');
    // Counted in the active model's tokenizer at upload.
    expect(notes.tokens).toEqual(expect.any(Number));
    expect(notes.tokens).toBeGreaterThan(0);

    const res = await api(
      '/api/chat/stream',
      post({ session_id: session.id, message: 'Which animal?', attachments: [notes.id], max_tokens: 4, seed: 1 }),
    );
    expect(res.status).toBe(200);
    const events = (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { type: string });
    const start = events.find((e) => e.type === 'start') as StreamStartEvent;
    expect(start.user_message.attachments?.map((a) => [a.id, a.message_id])).toEqual([
      [notes.id, start.user_message.id],
    ]);
    expect(events.at(-1)?.type).toBe('done');

    const sent = await waitFor(() => turnsSent(logsDir).at(-1) || false, 20_000, 'the turn in the debug log');
    expect(sent).toBe('<file name="notes.md">\n# Notes\n\nThe secret animal is a narwhal.\n\n</file>\n\nWhich animal?');

    const page = (await (await api(`/api/chat/sessions/${session.id}/messages`)).json()) as Page<ChatMessage>;
    expect(page.items[0]?.attachments?.map((a) => a.name)).toEqual(['notes.md']);
    expect(page.items[1]?.attachments).toBeUndefined();
    // Sent files go with their message, not on their own.
    expect((await api(`/api/attachments/${notes.id}`, { method: 'DELETE' })).status).toBe(409);
    // An id that is already sent cannot be attached again.
    const again = await api('/api/chat/send', post({ session_id: session.id, message: 'x', attachments: [notes.id] }));
    expect(again.status).toBe(404);

    const del = await api(`/api/chat/sessions/${session.id}/messages/${start.user_message.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await api(`/api/attachments/${notes.id}`)).status).toBe(404);
    const limits = (await (await api('/api/attachments/limits')).json()) as AttachmentLimits;
    expect(limits.used_bytes).toBe(0);
  }, 120_000);

  it('answers from the chunks of a large file that match the question, and lists them as sources', async () => {
    const session = (await (await api('/api/chat/sessions', post({}))).json()) as ChatSession;
    const log = await upload('worker.log', bigLog(2000), 'text/plain');
    expect(log.chunked).toBe(true);
    const text = (await (await api(`/api/attachments/${log.id}/text`)).json()) as { chunks: { ordinal: number }[] };
    expect(text.chunks.length).toBeGreaterThan(10);

    const res = await api(
      '/api/chat/send',
      post({
        session_id: session.id,
        message: 'why is the zeppelin quota exhausted?',
        attachments: [log.id],
        max_tokens: 4,
      }),
    );
    expect(res.status).toBe(200);
    const reply = (await res.json()) as SendResponse;
    const sources = reply.assistant_message.sources ?? [];
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((s) => s.attachment_id === log.id && s.name === 'worker.log')).toBe(true);
    const best = await (await api(`/api/attachments/${log.id}/text`)).json();
    const cited = sources.map((s) => (best as { text: string }).text.slice(s.start, s.end));
    expect(cited.some((c) => c.includes('zeppelin disk quota exhausted'))).toBe(true);

    const sent = await waitFor(
      () => turnsSent(logsDir).find((t) => t.endsWith('why is the zeppelin quota exhausted?')) ?? false,
      20_000,
      'the turn in the debug log',
    );
    expect(sent).toContain('zeppelin disk quota exhausted');
    expect(sent).toMatch(/<file name="worker.log" part="\d+" heading="Lines [^"]+">/);
    // Not the whole file: only parts of it.
    expect(sent.length).toBeLessThan(bigLog(2000).length / 4);

    const page = (await (await api(`/api/chat/sessions/${session.id}/messages`)).json()) as Page<ChatMessage>;
    expect(page.items[1]?.sources).toEqual(sources);

    // The export carries the file itself, checked by its sha256 on import.
    const exported = (await (await api(`/api/chat/sessions/${session.id}/export`)).json()) as {
      chats: { messages: { attachments?: { name: string; sha256: string; data_base64: string }[] }[] }[];
    };
    const carried = exported.chats[0]?.messages[0]?.attachments?.[0];
    expect(carried).toMatchObject({ name: 'worker.log', sha256: log.sha256 });
    expect(Buffer.from(carried?.data_base64 ?? '', 'base64').toString()).toBe(bigLog(2000));

    expect((await api(`/api/chat/sessions/${session.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    expect((await api(`/api/attachments/${log.id}`)).status).toBe(404);
  }, 120_000);
});
