/** What the open chat's reply is doing, for the composer, the message list and screen readers. */
import { computed, signal } from '@preact/signals';
import { clock } from '../lib/clock.js';
import { replySpeed, type StreamState } from '../lib/stream-reducer.js';
import { creatingChat } from './new-chat.js';
import { currentSessionId } from './sessions.js';
import { sessionStreams, type SessionStream } from './streams.js';

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
/** A send, regenerate or edit is in progress in the open chat (other chats may be streaming too). */
export const busy = computed(() =>
  currentSessionId.value === null ? creatingChat.value : currentStream.value?.active === true,
);
/** Error text per assistant message id, for replies that failed. */
export const replyErrors = signal<Readonly<Record<string, string>>>({});

/** Shows `message` under the reply `id`. */
export function setReplyError(id: string, message: string): void {
  replyErrors.value = { ...replyErrors.value, [id]: message };
}

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
