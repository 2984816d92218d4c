/** Per-session reply streams: each chat has its own in-flight request, streaming message and status. */
import { signal } from '@preact/signals';
import type { ChatMessage } from '@chat-studio/protocol';
import type { StreamState } from '../lib/stream-reducer.js';

/** The reply of one chat: in flight, or the last one it had. */
export interface SessionStream {
  sessionId: string;
  /** Reducer state of the reply (text so far, phase, speed figures). */
  state: StreamState;
  /** The question, local until the server's `start` (then the stored one). */
  userMessage: ChatMessage;
  /** The reply message, local until `start`, then the stored placeholder, then the final message. */
  reply: ChatMessage;
  /** A request is running for this chat. */
  active: boolean;
  /** Aborts this chat's request only; `null` once it ended (or for replies not streamed). */
  controller: AbortController | null;
}

/** Replies by session id; a chat without an entry never sent from this page. */
export const sessionStreams = signal<ReadonlyMap<string, SessionStream>>(new Map());

/**
 * The stream of one chat, if it has one.
 *
 * @example
 * streamOf(sessionId)?.active // true while its reply is on its way
 */
export function streamOf(sessionId: string | null): SessionStream | undefined {
  return sessionId ? sessionStreams.value.get(sessionId) : undefined;
}

/** Whether a request is running for this chat (only one at a time per chat; other chats are independent). */
export function isStreaming(sessionId: string | null): boolean {
  return streamOf(sessionId)?.active === true;
}

/**
 * Starts the reply of a chat, replacing its previous (finished) one. Returns `false`, changing nothing, when
 * the chat already has a reply in flight.
 *
 * @example
 * beginStream({ sessionId, state: createStreamState(now), userMessage, reply, controller: new AbortController() });
 */
export function beginStream(stream: Omit<SessionStream, 'active'>): boolean {
  if (isStreaming(stream.sessionId)) return false;
  const next = new Map(sessionStreams.value);
  next.set(stream.sessionId, { ...stream, active: true });
  sessionStreams.value = next;
  return true;
}

/**
 * Changes a chat's stream (text, ids, phase); ignored when the chat has none.
 *
 * @example
 * updateStream(sessionId, (s) => ({ ...s, state: applyStreamEvent(s.state, event, now) }));
 */
export function updateStream(sessionId: string, change: (stream: SessionStream) => SessionStream): void {
  const current = sessionStreams.value.get(sessionId);
  if (!current) return;
  const next = new Map(sessionStreams.value);
  next.set(sessionId, change(current));
  sessionStreams.value = next;
}

/** Marks a chat's request as ended; its last state stays for the status line. */
export function endStream(sessionId: string): void {
  updateStream(sessionId, (s) => ({ ...s, active: false, controller: null }));
}

/** Forgets a chat's reply (the chat was deleted or its messages removed). Aborts it if still running. */
export function dropStream(sessionId: string): void {
  const current = sessionStreams.value.get(sessionId);
  if (!current) return;
  current.controller?.abort();
  const next = new Map(sessionStreams.value);
  next.delete(sessionId);
  sessionStreams.value = next;
}

/**
 * Stops the reply of this chat only; replies streaming in other chats go on.
 *
 * @example
 * stopStream(currentSessionId.value);
 */
export function stopStream(sessionId: string | null): void {
  streamOf(sessionId)?.controller?.abort();
}

/**
 * Messages of a chat as fetched from the server, with its reply laid over them. In flight: the question and
 * reply are appended when the fetch did not have them yet, and fetched copies are replaced by the live ones
 * (the server's copy of a streaming reply lags behind the tokens this page already has). Finished: only copies
 * the fetch holds are replaced (it may have been answered just before the reply ended), so deleted messages
 * never come back.
 *
 * @example
 * messages.value = withStreamMessages(sessionId, page.items.reverse());
 */
export function withStreamMessages(sessionId: string, loaded: readonly ChatMessage[]): ChatMessage[] {
  const out = loaded.slice();
  const stream = sessionStreams.value.get(sessionId);
  if (!stream) return out;
  // Before `start` the live copies have local ids and may sit beside the stored ones for a moment;
  // `start` swaps the local ids for the stored ones and drops the duplicates (see replaceMessage).
  for (const message of [stream.userMessage, stream.reply]) {
    const i = out.findIndex((m) => m.id === message.id);
    if (i >= 0) out[i] = message;
    else if (stream.active) out.push(message);
  }
  return out;
}
