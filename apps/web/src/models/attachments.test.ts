import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GenerationStats, ModelInfo } from '@chat-studio/protocol';
import type { AttachmentLimits } from '../lib/attachment-types.js';
import { attachmentSummary } from '../testing/attachment-summary.js';
import {
  apiError,
  eventStream,
  fakeChatServer,
  json,
  storedMessage,
  storedSession,
} from '../testing/fake-chat-server.js';
import {
  addFiles,
  attachmentLimits,
  attachmentMeter,
  attachUnsent,
  composerAttachments,
  contextSize,
  INDEXING_POLL_MS,
  loadUnsentUploads,
  removeAttachment,
  removeUnsent,
  takeAttachments,
  unsentError,
  unsentOffer,
  unsentUploads,
} from './attachments.js';
import { composerDraft } from './chat-draft.js';
import { messages, messagesSessionId } from './messages.js';
import { activeModelId, llmStatus, models } from './models.js';
import { sendMessage } from './send-message.js';
import { currentSessionId, sessions } from './sessions.js';
import { sessionStreams } from './streams.js';
import { toasts } from './toasts.js';

const S = '01J0000000000000000000000S';
const U = '01J0000000000000000000000V';
const A = '01J0000000000000000000000A';
const F1 = '01J000000000000000000000F1';
const MiB = 1024 * 1024;
const stats: GenerationStats = {
  prompt_tokens: 5,
  completion_tokens: 2,
  time_to_first_token_ms: 40,
  tokens_per_second: 90,
  total_ms: 60,
  finish_reason: 'stop',
};
const LIMITS: AttachmentLimits = {
  max_file_bytes: 1 * MiB,
  quota_bytes: 10 * MiB,
  used_bytes: 0,
  accepted: ['text/*', '.md'],
};

const textFile = (name: string, size = 10) => new File(['x'.repeat(size)], name, { type: 'text/plain' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const chips = () => composerAttachments.value.map((d) => `${d.name}:${d.state}`);

const model = (context_length: number | null): ModelInfo => ({
  id: 'stories260K',
  name: 'stories260K',
  provider: 'llama-cpp',
  file: 'stories260K.gguf',
  size_bytes: 1,
  architecture: 'llama',
  parameters: null,
  quantization: null,
  context_length,
  has_chat_template: false,
  status: 'available',
  error: null,
  active: true,
});

beforeEach(() => {
  attachmentLimits.value = LIMITS;
  composerAttachments.value = [];
  composerDraft.value = '';
  messages.value = [];
  messagesSessionId.value = S;
  currentSessionId.value = S;
  sessions.value = [storedSession(S, 'Notes')];
  sessionStreams.value = new Map();
  toasts.value = [];
  models.value = [];
  activeModelId.value = null;
  llmStatus.value = null;
  unsentUploads.value = [];
  unsentError.value = null;
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('addFiles', () => {
  it('refuses an oversized file before any upload, and uploads the others', async () => {
    const server = fakeChatServer({
      'POST /api/attachments': () => json(attachmentSummary({ id: F1, name: 'a.txt', size: 10 }), 201),
      'GET /api/attachments/limits': () => json({ ...LIMITS, used_bytes: 10 }),
    });
    await addFiles([textFile('big.log', 2 * MiB), textFile('a.txt')]);
    expect(chips()).toEqual(['big.log:error', 'a.txt:ready']);
    expect(composerAttachments.value[0]?.error).toContain('files can be at most 1 MB');
    expect(server.calls().filter((c) => c === 'POST /api/attachments')).toHaveLength(1);
    await settle();
    // The quota's use is read again after an upload.
    expect(attachmentLimits.value?.used_bytes).toBe(10);
  });

  it("shows the server's refusal as written", async () => {
    fakeChatServer({
      'POST /api/attachments': () =>
        apiError(415, 'attachment_unsupported', 'notes.xyz is not a file type Chat Studio reads. Attach text or PDF.'),
    });
    await addFiles([textFile('notes.txt')]);
    expect(composerAttachments.value[0]).toMatchObject({
      state: 'error',
      error: 'notes.xyz is not a file type Chat Studio reads. Attach text or PDF.',
    });
  });

  it('asks about a file being indexed until it is ready', async () => {
    vi.useFakeTimers();
    let state: 'indexing' | 'ready' = 'indexing';
    fakeChatServer({
      'POST /api/attachments': () => json(attachmentSummary({ id: F1, state: 'indexing', chunked: true }), 201),
      [`GET /api/attachments/${F1}`]: () => json(attachmentSummary({ id: F1, state, chunked: true })),
      'GET /api/attachments/limits': () => json(LIMITS),
    });
    await addFiles([textFile('manual.txt')]);
    expect(composerAttachments.value[0]?.state).toBe('indexing');
    await vi.advanceTimersByTimeAsync(INDEXING_POLL_MS);
    expect(composerAttachments.value[0]?.state).toBe('indexing');
    state = 'ready';
    await vi.advanceTimersByTimeAsync(INDEXING_POLL_MS);
    expect(composerAttachments.value[0]?.state).toBe('ready');
  });
});

describe('removeAttachment', () => {
  it('deletes a stored, unsent file', async () => {
    const server = fakeChatServer({
      'POST /api/attachments': () => json(attachmentSummary({ id: F1 }), 201),
      [`DELETE /api/attachments/${F1}`]: () => new Response(null, { status: 204 }),
      'GET /api/attachments/limits': () => json(LIMITS),
    });
    await addFiles([textFile('a.txt')]);
    await removeAttachment(composerAttachments.value[0]?.key ?? '');
    expect(composerAttachments.value).toEqual([]);
    expect(server.calls()).toContain(`DELETE /api/attachments/${F1}`);
  });

  it('puts the chip back with the reason when the delete fails', async () => {
    fakeChatServer({
      'POST /api/attachments': () => json(attachmentSummary({ id: F1 }), 201),
      [`DELETE /api/attachments/${F1}`]: () => apiError(503, 'storage_read_only', 'The database is read-only.'),
      'GET /api/attachments/limits': () => json(LIMITS),
    });
    await addFiles([textFile('a.txt')]);
    await removeAttachment(composerAttachments.value[0]?.key ?? '');
    expect(composerAttachments.value[0]?.error).toBe('The database is read-only.');
  });
});

describe('sending with attachments', () => {
  it('sends the ids with the message, shows the chips on the question, and empties the composer', async () => {
    const user = storedMessage(U, S, 'user', 'Summarise', {
      attachments: [attachmentSummary({ id: F1, message_id: U })],
    });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = fakeChatServer({
      'POST /api/attachments': () => json(attachmentSummary({ id: F1 }), 201),
      'GET /api/attachments/limits': () => json(LIMITS),
      'POST /api/chat/stream': async (request) => {
        await held;
        return eventStream(request, [
          { type: 'start', session_id: S, user_message: user, assistant_message_id: A, model_id: 'stories260K' },
          { type: 'done', message: storedMessage(A, S, 'assistant', 'Done.'), stats },
        ]);
      },
    });
    await addFiles([textFile('notes.md')]);
    composerDraft.value = 'Summarise';
    const sending = sendMessage();
    await settle();
    // Before the server answers: the question shows its chip, the composer is empty.
    expect(messages.value[0]?.attachments?.map((a) => a.id)).toEqual([F1]);
    expect(composerAttachments.value).toEqual([]);
    release();
    await sending;
    const stream = server.requests.find((r) => r.path === '/api/chat/stream');
    expect(stream?.body).toMatchObject({ session_id: S, message: 'Summarise', attachments: [F1] });
    expect(messages.value[0]).toMatchObject({ id: U, attachments: [{ id: F1, message_id: U }] });
  });

  it('leaves the field out without files (an older server would refuse it)', async () => {
    const server = fakeChatServer({
      'POST /api/chat/stream': (request) =>
        eventStream(request, [
          {
            type: 'start',
            session_id: S,
            user_message: storedMessage(U, S, 'user', 'Hi'),
            assistant_message_id: A,
            model_id: 'stories260K',
          },
          { type: 'done', message: storedMessage(A, S, 'assistant', 'Hello.'), stats },
        ]),
    });
    composerDraft.value = 'Hi';
    await sendMessage();
    expect(server.requests.find((r) => r.path === '/api/chat/stream')?.body).not.toHaveProperty('attachments');
  });

  it('puts the files back in the composer when the send stored nothing', async () => {
    fakeChatServer({
      'POST /api/attachments': () => json(attachmentSummary({ id: F1 }), 201),
      'GET /api/attachments/limits': () => json(LIMITS),
      'POST /api/chat/stream': () => apiError(503, 'chat_unavailable', 'No model is loaded.'),
      'GET /api/llm/status': () => json({ state: 'no_model' }),
    });
    await addFiles([textFile('notes.md')]);
    composerDraft.value = 'Summarise';
    await sendMessage();
    expect(composerDraft.value).toBe('Summarise');
    expect(chips()).toEqual(['notes.md:ready']);
  });

  it('waits while a file is still uploading', async () => {
    let finish: (r: Response) => void = () => {};
    const server = fakeChatServer({
      'POST /api/attachments': () => new Promise<Response>((resolve) => (finish = resolve)),
      'GET /api/attachments/limits': () => json(LIMITS),
    });
    const adding = addFiles([textFile('notes.md')]);
    await settle();
    composerDraft.value = 'Summarise';
    await sendMessage();
    expect(server.calls()).not.toContain('POST /api/chat/stream');
    expect(composerDraft.value).toBe('Summarise');
    expect(toasts.value.at(-1)?.message).toBe('Wait until the files have uploaded, then send.');
    finish(json(attachmentSummary({ id: F1 }), 201));
    await adding;
  });
});

describe('the token meter', () => {
  it("reads the active model's context and the files' tokens", async () => {
    models.value = [model(512)];
    activeModelId.value = 'stories260K';
    expect(contextSize.value).toBe(512);
    fakeChatServer({
      'POST /api/attachments': () => json(attachmentSummary({ id: F1, tokens: 200 }), 201),
      'GET /api/attachments/limits': () => json(LIMITS),
    });
    expect(attachmentMeter.value).toBeNull();
    await addFiles([textFile('notes.md')]);
    expect(attachmentMeter.value?.summary).toBe('Attachments: 200 tokens · 312 of 512 left');
  });
});

describe('unsent uploads after a reload', () => {
  const F2 = '01J000000000000000000000F2';
  const listed = [attachmentSummary({ id: F2, name: 'b.log' }), attachmentSummary({ id: F1, name: 'a.md' })];

  it('lists them and offers them; attaching puts them in the composer for the next message', async () => {
    const server = fakeChatServer({ 'GET /api/attachments': () => json({ items: listed, next_cursor: null }) });
    await loadUnsentUploads();
    expect(server.requests[0]?.query.get('unsent')).toBe('true');
    expect(unsentOffer.value.map((u) => u.name)).toEqual(['b.log', 'a.md']);
    attachUnsent();
    expect(chips()).toEqual(['b.log:ready', 'a.md:ready']);
    expect(unsentOffer.value).toEqual([]);
    expect(takeAttachments().ids).toEqual([F2, F1]);
  });

  it('removes them on the server; one that fails stays offered with the reason, one already gone does not', async () => {
    const F3 = '01J000000000000000000000F3';
    const server = fakeChatServer({
      'GET /api/attachments': () =>
        json({ items: [...listed, attachmentSummary({ id: F3, name: 'c.txt' })], next_cursor: null }),
      [`DELETE /api/attachments/${F1}`]: () => new Response(null, { status: 204 }),
      [`DELETE /api/attachments/${F2}`]: () => apiError(503, 'storage_read_only', 'The database is read-only.'),
      [`DELETE /api/attachments/${F3}`]: () => apiError(404, 'attachment_not_found', 'No such attachment.'),
      'GET /api/attachments/limits': () => json(LIMITS),
    });
    await loadUnsentUploads();
    await removeUnsent();
    expect(server.calls().filter((c) => c.startsWith('DELETE'))).toHaveLength(3);
    expect(unsentOffer.value.map((u) => u.id)).toEqual([F2]);
    expect(unsentError.value).toBe('The database is read-only.');
    expect(composerAttachments.value).toEqual([]);
  });

  it('offers nothing on a server without the listing', async () => {
    fakeChatServer({});
    await loadUnsentUploads();
    expect(unsentOffer.value).toEqual([]);
  });
});
