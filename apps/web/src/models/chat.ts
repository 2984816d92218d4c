/** Sending: streams replies (one per chat, several chats at once) (falling back to /api/chat/send), stop, regenerate, edit and resend, live speed. */
import { batch, computed, signal } from '@preact/signals';
import { ChatApiError, type ChatMessage, type GenerationStats } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import {
  abortStream,
  applyStreamEvent,
  createStreamState,
  replySpeed,
  type StreamState,
} from '../lib/stream-reducer.js';
import { composerDraft, editDraft, editingMessageId } from './chat-draft.js';
import {
  appendMessages,
  branchAt,
  messages,
  messagesSessionId,
  reloadBranch,
  removeMessages,
  replaceMessage,
} from './messages.js';
import { settleMessageDeletes } from './message-deletes.js';
import { reportUnavailable } from './models.js';
import { activeSettings, newChatSettings, paramsFromSettings, streamingEnabled } from './settings.js';
import { adoptSession, currentSessionId, sessions, touchSession } from './sessions.js';
import { beginStream, endStream, sessionStreams, stopStream, updateStream, type SessionStream } from './streams.js';
import { showError, showToast } from './toasts.js';
import { limits } from './limits.js';
import { inputLimit } from '../lib/input-limit.js';
import { readAloud } from './voice.js';

/** The open chat's reply stream (in flight or its last one), if it has one. */
export const currentStream = computed<SessionStream | null>(() => {
  const id = currentSessionId.value;
  return (id && sessionStreams.value.get(id)) || null;
});
/** State of the open chat's reply being streamed (or its last one), `null` before its first send. */
export const streamState = computed<StreamState | null>(() => currentStream.value?.state ?? null);
/** Id (local or stored) of the assistant message the open chat is writing. */
export const streamingMessageId = computed<string | null>(() => {
  const s = currentStream.value;
  return s?.active ? s.reply.id : null;
});
/** The session of a new chat is being created for its first message. */
const creatingChat = signal(false);
/** A send, regenerate or edit is in progress in the open chat (other chats may be streaming too). */
export const busy = computed(() =>
  currentSessionId.value === null ? creatingChat.value : currentStream.value?.active === true,
);
/** Error text per assistant message id, for replies that failed. */
export const replyErrors = signal<Readonly<Record<string, string>>>({});
/** Short status of the open chat's reply for screen readers (aria-live). */
export const liveStatus = computed(() => {
  const s = streamState.value;
  if (!s) return '';
  switch (s.phase) {
    case 'connecting':
      return 'Waiting for the reply…';
    case 'streaming':
      return 'Assistant is replying…';
    case 'done':
      return 'Reply complete.';
    case 'aborted':
      return 'Reply stopped.';
    case 'error':
      return `Reply failed: ${s.error?.message ?? 'unknown error'}`;
  }
});

/** Live speed of the open chat's streaming reply. */
export const liveSpeed = computed(() => {
  const s = streamState.value;
  return s ? replySpeed(s, s.endedAt ?? clock()) : null;
});

const clock = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

let localSeq = 0;

/** Thrown when /api/chat/stream answered without a single event (not an event stream). */
class NotAStreamError extends Error {
  override readonly name = 'NotAStreamError';
}

function localMessage(sessionId: string, role: 'user' | 'assistant', content: string): ChatMessage {
  return {
    id: `local-${role[0]}-${++localSeq}`,
    session_id: sessionId,
    parent_id: null,
    role,
    content,
    created_at: new Date().toISOString(),
    status: role === 'user' ? 'complete' : 'partial',
    model_id: null,
    prompt_tokens: null,
    completion_tokens: null,
    time_to_first_token_ms: null,
    tokens_per_second: null,
    finish_reason: null,
  };
}

function withStats(message: ChatMessage, stats: GenerationStats | null): ChatMessage {
  if (!stats) return message;
  return {
    ...message,
    time_to_first_token_ms: message.time_to_first_token_ms ?? stats.time_to_first_token_ms,
    tokens_per_second: message.tokens_per_second ?? stats.tokens_per_second,
    completion_tokens: message.completion_tokens ?? stats.completion_tokens,
    prompt_tokens: message.prompt_tokens ?? stats.prompt_tokens,
    finish_reason: message.finish_reason ?? stats.finish_reason,
  };
}

/**
 * Streaming failed before the server stored anything: is it worth retrying with /api/chat/send?
 * Yes for network errors and non-SSE answers; no for API errors that a retry would repeat.
 */
function shouldFallBack(error: unknown): boolean {
  if (error instanceof NotAStreamError) return true;
  if (error instanceof ChatApiError)
    return error.status === 404 || error.status === 405 || error.status === 406 || error.status === 415;
  return true;
}

function setReplyError(id: string, message: string): void {
  replyErrors.value = { ...replyErrors.value, [id]: message };
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function titleFrom(text: string): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? 'New chat';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

async function createChatFor(content: string): Promise<string> {
  const session = await api.createSession({ title: titleFrom(content), settings: newChatSettings.value });
  batch(() => {
    // Mark the messages as loaded first so that opening the new session does not fetch (and wipe) them.
    messagesSessionId.value = session.id;
    newChatSettings.value = {};
    adoptSession(session);
  });
  return session.id;
}

/**
 * A turn that adds a sibling instead of appending: an edit (a new version of a user message, and its reply) or a
 * regenerated reply (to `question`, beside the reply that was there). Both stream; the old versions stay stored.
 */
type Branching =
  | { kind: 'edit'; messageId: string; siblings: number }
  | { kind: 'regenerate'; messageId: string; question: ChatMessage; siblings: number };

/** Where a sibling made now stands: last of one more than before. */
const newestSibling = (m: ChatMessage, siblings: number): ChatMessage =>
  siblings > 0 ? { ...m, sibling_position: siblings + 1, sibling_count: siblings + 1 } : m;

/**
 * Sends the composer text (or `text`) in the open chat and shows the reply as it streams. Each chat streams
 * on its own: switching chats leaves the reply running, and another chat can send meanwhile. With streaming
 * off, or when the stream fails before anything arrived, the reply comes from /api/chat/send instead.
 * With `branching`, the turn is an edit or a regenerated reply (always streamed).
 */
export async function sendMessage(text?: string, branching?: Branching): Promise<void> {
  const fromComposer = text === undefined && !branching;
  const content = (text ?? composerDraft.value).trim();
  if (!content || busy.value) return;
  // Refused here, before anything is created: a too-long first message must not leave an empty chat behind.
  const limit = inputLimit(content.length, limits.value.max_message_length);
  if (limit.over) {
    showToast({ message: `Message not sent. ${limit.message}`, kind: 'error', timeoutMs: 7000 });
    return;
  }
  if (fromComposer) composerDraft.value = '';
  // A message delete waiting for its Undo goes out first: the new message must not land in what it deletes.
  await settleMessageDeletes();
  let sessionId = currentSessionId.value;
  if (!sessionId) {
    creatingChat.value = true;
    try {
      sessionId = await createChatFor(content);
    } catch (e) {
      if (fromComposer && !composerDraft.value) composerDraft.value = content;
      showError(e, 'Could not create the chat');
      return;
    } finally {
      creatingChat.value = false;
    }
  }
  const id: string = sessionId;

  const regenerating = branching?.kind === 'regenerate' ? branching : undefined;
  let user = regenerating ? regenerating.question : localMessage(id, 'user', content);
  let reply = localMessage(id, 'assistant', '');
  let state = createStreamState(clock());
  const controller = streamingEnabled.value || branching ? new AbortController() : null;
  const speak = activeSettings.value.speak_replies === true;
  const body = { session_id: id, message: content, params: paramsFromSettings(activeSettings.value) };
  // The new sibling shows where it stands (‹ 3 / 3 ›) without another request.
  const decorateUser = (m: ChatMessage) => (branching?.kind === 'edit' ? newestSibling(m, branching.siblings) : m);
  const decorateReply = (m: ChatMessage) => (regenerating ? newestSibling(m, regenerating.siblings) : m);
  const open = (signal: AbortSignal) => {
    if (!branching) return api.stream(body, { signal });
    if (branching.kind === 'edit')
      return api.edit(id, branching.messageId, { content, params: body.params }, { signal });
    return api.regenerate(id, branching.messageId, { params: body.params }, { signal });
  };
  let started = false;
  batch(() => {
    started = beginStream({ sessionId: id, state, userMessage: user, reply, controller });
    if (!started || messagesSessionId.value !== id) return;
    // The list shows the new branch: what came before the edited message (or up to the question), then the turn.
    if (branching?.kind === 'edit') branchAt(branching.messageId, false);
    if (regenerating) branchAt(regenerating.question.id, true);
    if (regenerating) appendMessages(reply);
    else appendMessages(user, reply);
  });
  if (!started) return;
  const publish = () => updateStream(id, (s) => ({ ...s, state, userMessage: user, reply }));
  const isOpen = () => currentSessionId.value === id;

  const failBeforeStart = (error: unknown) => {
    // Nothing was stored: take the exchange back out and give the text back to the composer (if still there).
    state = {
      ...state,
      phase: 'error',
      error: { code: error instanceof ChatApiError ? error.code : 'failed', message: errorText(error) },
      endedAt: clock(),
    };
    batch(() => {
      removeMessages(new Set(regenerating ? [reply.id] : [user.id, reply.id]));
      publish();
      if (fromComposer && isOpen() && !composerDraft.value) composerDraft.value = content;
    });
    if (error instanceof ChatApiError && error.code === 'chat_unavailable') reportUnavailable(error.message);
    // An edit or regenerate that never started changed nothing: show the chat's branch as stored.
    if (branching && isOpen()) void reloadBranch(id);
    const title = sessions.value.find((s) => s.id === id)?.title;
    showError(error, isOpen() || !title ? 'Message not sent' : `Message not sent in “${title}”`);
  };

  const viaSend = async () => {
    const res = await api.send(body);
    const prevUser = user.id;
    const prevReply = reply.id;
    user = res.user_message;
    reply = withStats(res.assistant_message, res.stats);
    state = { ...state, phase: 'done', text: reply.content, message: reply, stats: res.stats, endedAt: clock() };
    batch(() => {
      replaceMessage(prevUser, user);
      replaceMessage(prevReply, reply);
      publish();
    });
    return reply;
  };

  let finished: ChatMessage | null = null;
  try {
    if (!controller) {
      try {
        finished = await viaSend();
      } catch (e) {
        failBeforeStart(e);
      }
      return;
    }
    let events = 0;
    try {
      for await (const event of open(controller.signal)) {
        events++;
        state = applyStreamEvent(state, event, clock());
        batch(() => {
          if (event.type === 'start') {
            const prevUser = user.id;
            const prevReply = reply.id;
            user = regenerating ? user : decorateUser(event.user_message);
            reply = decorateReply({ ...reply, id: event.assistant_message_id, model_id: event.model_id });
            replaceMessage(prevUser, user);
            replaceMessage(prevReply, reply);
          } else if (event.type === 'done') {
            const prevReply = reply.id;
            reply = finished = decorateReply(withStats(event.message, event.stats));
            replaceMessage(prevReply, reply);
          } else if (event.type === 'error') {
            reply = { ...reply, content: state.text, status: 'error', finish_reason: 'error' };
            replaceMessage(reply.id, reply);
            setReplyError(reply.id, event.message);
          }
          publish();
        });
        if (event.type === 'error' && event.code === 'chat_unavailable') reportUnavailable(event.message);
      }
      if (events === 0) throw new NotAStreamError('The server did not answer with an event stream');
      if (state.phase === 'streaming' || state.phase === 'connecting') {
        state = {
          ...state,
          phase: 'error',
          error: { code: 'disconnected', message: 'Connection lost' },
          endedAt: clock(),
        };
        reply = { ...reply, content: state.text, status: 'partial' };
        batch(() => {
          replaceMessage(reply.id, reply);
          setReplyError(reply.id, 'The connection closed before the reply finished.');
          publish();
        });
      }
    } catch (e) {
      if (controller.signal.aborted) {
        state = abortStream(state, clock());
        batch(() => {
          if (state.userMessage) {
            reply = { ...reply, content: state.text, status: 'partial', finish_reason: 'abort' };
            replaceMessage(reply.id, reply);
          } else removeMessages(new Set(regenerating ? [reply.id] : [user.id, reply.id]));
          publish();
        });
      } else if (!branching && !state.userMessage && state.tokens === 0 && shouldFallBack(e)) {
        try {
          finished = await viaSend();
        } catch (e2) {
          failBeforeStart(e2);
        }
      } else if (!state.userMessage) {
        failBeforeStart(e);
      } else {
        state = { ...state, phase: 'error', error: { code: 'failed', message: errorText(e) }, endedAt: clock() };
        reply = { ...reply, content: state.text, status: 'error' };
        batch(() => {
          replaceMessage(reply.id, reply);
          setReplyError(reply.id, errorText(e));
          publish();
        });
      }
    }
  } finally {
    endStream(id);
    touchSession(id);
    const done: ChatMessage | null = finished;
    if (done && speak) readAloud(done.content);
  }
}

/** Stops the open chat's reply; the text so far stays (the server keeps it as `partial`). Other chats go on. */
export function stopReply(): void {
  stopStream(currentSessionId.value);
}

/**
 * A new reply beside `message` (a reply; or under it, a question), streamed. The old reply stays, one click away
 * on the `‹ 1 / 2 ›` control.
 */
export async function regenerate(message: ChatMessage): Promise<void> {
  if (busy.value || message.id.startsWith('local-')) return;
  const list = messages.value;
  const question = message.role === 'user' ? message : list.find((m) => m.id === message.parent_id);
  if (question?.role !== 'user') return;
  const siblings = message.role === 'assistant' ? (message.sibling_count ?? 1) : 0;
  await sendMessage(question.content, { kind: 'regenerate', messageId: message.id, question, siblings });
}

/** Starts editing a user message in place. */
export function startEdit(message: ChatMessage): void {
  batch(() => {
    editingMessageId.value = message.id;
    editDraft.value = message.content;
  });
}

/** Leaves the editor without changes. */
export function cancelEdit(): void {
  editingMessageId.value = null;
}

/**
 * Sends the edited message as a new version of it (a sibling) with a fresh reply. The old version and everything
 * after it stay stored, one click away on the `‹ 1 / 2 ›` control.
 */
export async function submitEdit(): Promise<void> {
  const id = editingMessageId.value;
  const text = editDraft.value.trim();
  if (!id || !text || busy.value) return;
  const edited = messages.value.find((m) => m.id === id);
  if (!edited) return;
  editingMessageId.value = null;
  await sendMessage(text, { kind: 'edit', messageId: id, siblings: edited.sibling_count ?? 1 });
}
