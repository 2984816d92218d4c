import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import type { ChatMessage, GenerationStats, SendResponse, StreamEvent } from '@chat-studio/protocol';
import {
  apiError,
  eventStream,
  fakeChatServer,
  json,
  liveStream,
  storedMessage,
  storedSession,
  type FakeRequest,
  type LiveStream,
} from '../testing/fake-chat-server.js';
import { regenerate, stopReply, submitEdit } from './chat.js';
import { composerDraft, editDraft, editingMessageId } from './chat-draft.js';
import { limits } from './limits.js';
import { messages, messagesSessionId, newerCursor } from './messages.js';
import { busy, liveStatus, replyErrors, streamState } from './reply-status.js';
import { sendMessage } from './send-message.js';
import { streamingEnabled } from './settings.js';
import { currentSessionId, sessions } from './sessions.js';
import { sessionStreams } from './streams.js';
import { toasts } from './toasts.js';

const S = '01J0000000000000000000000S';
const NEW = '01J000000000000000000000NS';
const Q = '01J0000000000000000000000Q';
const A1 = '01J000000000000000000000A1';
const U = '01J0000000000000000000000V';
const A = '01J0000000000000000000000A';

const stats: GenerationStats = {
  prompt_tokens: 5,
  completion_tokens: 2,
  time_to_first_token_ms: 40,
  tokens_per_second: 90,
  total_ms: 60,
  finish_reason: 'stop',
};

function start(sessionId = S, user = storedMessage(U, sessionId, 'user', 'Hello')): StreamEvent {
  return { type: 'start', session_id: sessionId, user_message: user, assistant_message_id: A, model_id: 'stories260K' };
}
const done = (content: string, sessionId = S): StreamEvent => ({
  type: 'done',
  message: storedMessage(A, sessionId, 'assistant', content),
  stats,
});

/** The list as `role:id-or-local:content`, short enough to read in an assertion. */
const shown = () => messages.value.map((m) => `${m.role}:${m.id.startsWith('local-') ? 'local' : m.id}:${m.content}`);
const lastToast = () => toasts.value.at(-1)?.message;

/** Serves one held-open stream on `path` and hands it to the test once the request arrived. */
function holdStream(path: string) {
  let opened: (live: LiveStream) => void = () => {};
  const live = new Promise<LiveStream>((resolve) => {
    opened = resolve;
  });
  const route = (request: FakeRequest) => {
    const stream = liveStream(request);
    opened(stream);
    return stream.response;
  };
  return { live, routes: { [`POST ${path}`]: route } };
}

/** Lets the stream reader and the signals catch up with what the fake sent. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeEach(() => {
  messages.value = [];
  messagesSessionId.value = S;
  newerCursor.value = null;
  currentSessionId.value = S;
  sessions.value = [storedSession(S, 'Notes')];
  sessionStreams.value = new Map();
  replyErrors.value = {};
  composerDraft.value = '';
  toasts.value = [];
  streamingEnabled.value = true;
  limits.value = { ...limits.value, max_message_length: 32_000 };
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sendMessage: a streamed turn', () => {
  it('shows the question and an empty reply at once, then folds the stream into the stored messages', async () => {
    const { live, routes } = holdStream('/api/chat/stream');
    const server = fakeChatServer(routes);
    composerDraft.value = '  Hello  ';
    const sending = sendMessage();
    const stream = await live;
    // Optimistic: before any event, the composer is empty and the exchange is on screen with local ids.
    expect(composerDraft.value).toBe('');
    expect(shown()).toEqual(['user:local:Hello', 'assistant:local:']);
    expect(busy.value).toBe(true);
    expect(streamState.value?.phase).toBe('connecting');
    expect(server.requests[0]?.body).toMatchObject({ session_id: S, message: 'Hello' });

    stream.send(start());
    stream.send({ type: 'token', text: 'Once' });
    stream.send({ type: 'token', text: ' upon' });
    await settle();
    expect(shown()).toEqual([`user:${U}:Hello`, `assistant:${A}:`]);
    expect(streamState.value).toMatchObject({ phase: 'streaming', text: 'Once upon', tokens: 2 });
    expect(liveStatus.value).toBe('Assistant is replying…');

    stream.send(done('Once upon a time'));
    stream.close();
    await sending;
    expect(shown()).toEqual([`user:${U}:Hello`, `assistant:${A}:Once upon a time`]);
    expect(messages.value[1]).toMatchObject({ tokens_per_second: 90, time_to_first_token_ms: 40 });
    expect(busy.value).toBe(false);
    expect(liveStatus.value).toBe('Reply complete.');
  });

  it('stops on abort and keeps the text so far as a partial reply', async () => {
    const { live, routes } = holdStream('/api/chat/stream');
    fakeChatServer(routes);
    const sending = sendMessage('Hello');
    const stream = await live;
    stream.send(start());
    stream.send({ type: 'token', text: 'Once' });
    await settle();
    stopReply();
    await sending;
    expect(streamState.value?.phase).toBe('aborted');
    expect(messages.value[1]).toMatchObject({ id: A, content: 'Once', status: 'partial', finish_reason: 'abort' });
    expect(busy.value).toBe(false);
    expect(liveStatus.value).toBe('Reply stopped.');
  });

  it('takes the exchange back out when stopped before the server stored anything', async () => {
    const { live, routes } = holdStream('/api/chat/stream');
    const server = fakeChatServer(routes);
    const sending = sendMessage('Hello');
    await live;
    stopReply();
    await sending;
    expect(shown()).toEqual([]);
    // Stopping is not a failure: no fall-back request, no error toast.
    expect(server.calls()).toEqual(['POST /api/chat/stream']);
    expect(toasts.value).toEqual([]);
  });

  it('shows the server sentence under the reply when the stream reports an error after start', async () => {
    fakeChatServer({
      'POST /api/chat/stream': (r) =>
        eventStream(r, [
          start(),
          { type: 'token', text: 'Once' },
          { type: 'error', code: 'generation_failed', message: 'The model stopped: out of context.' },
        ]),
    });
    await sendMessage('Hello');
    expect(messages.value[1]).toMatchObject({ id: A, content: 'Once', status: 'error', finish_reason: 'error' });
    expect(replyErrors.value[A]).toBe('The model stopped: out of context.');
    expect(liveStatus.value).toBe('Reply failed: The model stopped: out of context.');
  });

  it('marks a reply cut off when the stream closes before done', async () => {
    fakeChatServer({
      'POST /api/chat/stream': (r) => eventStream(r, [start(), { type: 'token', text: 'Once' }]),
    });
    await sendMessage('Hello');
    expect(messages.value[1]).toMatchObject({ id: A, content: 'Once', status: 'partial' });
    expect(replyErrors.value[A]).toBe('The connection closed before the reply finished.');
  });
});

describe('sendMessage: refused before anything was stored', () => {
  it('withdraws the exchange, gives the text back and shows the server sentence', async () => {
    const server = fakeChatServer({
      'POST /api/chat/stream': () => apiError(503, 'chat_unavailable', 'No model is loaded.'),
    });
    composerDraft.value = 'Hello';
    await sendMessage();
    expect(shown()).toEqual([]);
    expect(composerDraft.value).toBe('Hello');
    expect(lastToast()).toContain('No model is loaded.');
    expect(lastToast()).toMatch(/^Message not sent/);
    // A refusal a retry would repeat: no fall-back to /api/chat/send.
    expect(server.calls()).not.toContain('POST /api/chat/send');
    expect(busy.value).toBe(false);
  });

  it('falls back to /api/chat/send when the stream route is not there', async () => {
    const reply: SendResponse = {
      user_message: storedMessage(U, S, 'user', 'Hello'),
      assistant_message: storedMessage(A, S, 'assistant', 'Hi there', { tokens_per_second: null }),
      stats,
    };
    const server = fakeChatServer({
      'POST /api/chat/stream': () => apiError(404, 'not_found', 'No such route'),
      'POST /api/chat/send': () => json(reply),
    });
    await sendMessage('Hello');
    expect(server.calls()).toEqual(['POST /api/chat/stream', 'POST /api/chat/send']);
    expect(shown()).toEqual([`user:${U}:Hello`, `assistant:${A}:Hi there`]);
    // The server's figures fill what the stored message lacks.
    expect(messages.value[1]?.tokens_per_second).toBe(90);
    expect(streamState.value?.phase).toBe('done');
  });

  it('asks /api/chat/send directly with streaming off, and withdraws on its refusal', async () => {
    streamingEnabled.value = false;
    const server = fakeChatServer({
      'POST /api/chat/send': () => apiError(400, 'validation_error', 'Temperature must be at most 2.'),
    });
    composerDraft.value = 'Hello';
    await sendMessage();
    expect(server.calls()).toEqual(['POST /api/chat/send']);
    expect(shown()).toEqual([]);
    expect(composerDraft.value).toBe('Hello');
    expect(lastToast()).toContain('Temperature must be at most 2.');
  });
});

describe('sendMessage: a new chat', () => {
  beforeEach(() => {
    currentSessionId.value = null;
    messagesSessionId.value = null;
    sessions.value = [];
  });

  it('creates the chat, titled after the first line, and streams into it', async () => {
    const server = fakeChatServer({
      'POST /api/chat/sessions': () => json(storedSession(NEW, 'Plan the trip'), 201),
      'POST /api/chat/stream': (r) =>
        eventStream(r, [start(NEW, storedMessage(U, NEW, 'user', 'Plan the trip\nto Rome')), done('Sure.', NEW)]),
    });
    composerDraft.value = 'Plan the trip\nto Rome';
    await sendMessage();
    expect(server.calls()).toEqual(['POST /api/chat/sessions', 'POST /api/chat/stream']);
    expect(server.requests[0]?.body).toMatchObject({ title: 'Plan the trip' });
    expect(server.requests[1]?.body).toMatchObject({ session_id: NEW });
    expect(currentSessionId.value).toBe(NEW);
    expect(sessions.value.map((s) => s.id)).toEqual([NEW]);
    expect(shown()).toEqual([`user:${U}:Plan the trip\nto Rome`, `assistant:${A}:Sure.`]);
  });

  it('refuses a too-long first message before creating anything', async () => {
    limits.value = { ...limits.value, max_message_length: 10 };
    const server = fakeChatServer({});
    composerDraft.value = 'This is far too long';
    await sendMessage();
    expect(server.calls()).toEqual([]);
    expect(currentSessionId.value).toBeNull();
    expect(composerDraft.value).toBe('This is far too long');
    expect(lastToast()).toMatch(/^Message not sent\./);
  });

  it('gives the text back when the chat cannot be created, and sends nothing', async () => {
    const server = fakeChatServer({
      'POST /api/chat/sessions': () => apiError(403, 'forbidden', 'Your account may not create chats.'),
    });
    composerDraft.value = 'Hello';
    await sendMessage();
    expect(server.calls()).toEqual(['POST /api/chat/sessions']);
    expect(composerDraft.value).toBe('Hello');
    expect(lastToast()).toContain('Your account may not create chats.');
    expect(busy.value).toBe(false);
  });
});

describe('regenerate and edit', () => {
  const question = storedMessage(Q, S, 'user', 'Tell a story');
  const oldReply: ChatMessage = { ...storedMessage(A1, S, 'assistant', 'Old'), parent_id: Q, sibling_count: 1 };

  beforeEach(() => {
    messages.value = [question, oldReply];
  });

  it('streams a new reply beside the old one and shows it as the newest sibling', async () => {
    const server = fakeChatServer({
      [`POST /api/chat/sessions/${S}/messages/${A1}/regenerate`]: (r) =>
        eventStream(r, [start(S, question), { type: 'token', text: 'New' }, done('New story')]),
    });
    await regenerate(oldReply);
    expect(server.calls()).toEqual([`POST /api/chat/sessions/${S}/messages/${A1}/regenerate`]);
    expect(shown()).toEqual([`user:${Q}:Tell a story`, `assistant:${A}:New story`]);
    expect(messages.value[1]).toMatchObject({ sibling_position: 2, sibling_count: 2 });
  });

  it('keeps the question and reloads the stored branch when the regenerate is refused', async () => {
    const server = fakeChatServer({
      [`POST /api/chat/sessions/${S}/messages/${A1}/regenerate`]: () =>
        apiError(409, 'conflict', 'A reply is already being written in this chat.'),
      [`GET /api/chat/sessions/${S}/messages`]: () => json({ items: [oldReply, question], next_cursor: null }),
    });
    await regenerate(oldReply);
    await settle();
    expect(server.calls()).toContain(`GET /api/chat/sessions/${S}/messages`);
    expect(shown()).toEqual([`user:${Q}:Tell a story`, `assistant:${A1}:Old`]);
    expect(lastToast()).toContain('A reply is already being written in this chat.');
  });

  it('sends an edit as a new version of the question, cutting the list where it starts', async () => {
    const edited = storedMessage(U, S, 'user', 'Tell a poem');
    const server = fakeChatServer({
      [`POST /api/chat/sessions/${S}/messages/${Q}/edit`]: (r) => eventStream(r, [start(S, edited), done('A poem')]),
    });
    editingMessageId.value = Q;
    editDraft.value = 'Tell a poem';
    await submitEdit();
    expect(server.requests[0]?.body).toMatchObject({ content: 'Tell a poem' });
    expect(shown()).toEqual([`user:${U}:Tell a poem`, `assistant:${A}:A poem`]);
    expect(messages.value[0]).toMatchObject({ sibling_position: 2, sibling_count: 2 });
  });
});
