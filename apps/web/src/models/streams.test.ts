import { beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@chat-studio/protocol';
import { applyStreamEvent, createStreamState } from '../lib/stream-reducer.js';
import { stopReply } from './chat.js';
import { busy, currentStream, liveStatus, streamingMessageId, streamState } from './reply-status.js';
import { messages, replaceMessage } from './messages.js';
import { currentSessionId } from './sessions.js';
import {
  beginStream,
  dropStream,
  endStream,
  isStreaming,
  sessionStreams,
  stopStream,
  streamOf,
  updateStream,
  withStreamMessages,
} from './streams.js';
import { chatMessage } from '../testing/chat-message.js';

const A = '01J00000000000000000000000';
const B = '01J00000000000000000000001';

function message(id: string, sessionId: string, role: 'user' | 'assistant', content = ''): ChatMessage {
  const status = role === 'user' ? 'complete' : 'partial';
  return chatMessage({ id, session_id: sessionId, role, content, created_at: '2026-03-15T12:00:00.000Z', status });
}

function begin(sessionId: string, tag: string) {
  const controller = new AbortController();
  const ok = beginStream({
    sessionId,
    state: createStreamState(0),
    userMessage: message(`local-u-${tag}`, sessionId, 'user', `question ${tag}`),
    reply: message(`local-a-${tag}`, sessionId, 'assistant'),
    controller,
  });
  return { ok, controller };
}

describe('per-session reply streams', () => {
  beforeEach(() => {
    sessionStreams.value = new Map();
    currentSessionId.value = null;
    messages.value = [];
  });

  it('lets several chats stream at once but only one reply per chat', () => {
    const a = begin(A, 'a');
    const b = begin(B, 'b');
    expect(a.ok).toBe(true);
    expect(b.ok).toBe(true);
    expect(begin(A, 'a2').ok).toBe(false);
    // The refused start did not replace A's reply.
    expect(streamOf(A)?.reply.id).toBe('local-a-a');
    expect(isStreaming(A) && isStreaming(B)).toBe(true);
    endStream(A);
    expect(isStreaming(A)).toBe(false);
    expect(streamOf(A)?.controller).toBeNull();
    expect(begin(A, 'a3').ok).toBe(true);
    expect(streamOf(A)?.reply.id).toBe('local-a-a3');
  });

  it('stops only the chosen chat', () => {
    const a = begin(A, 'a');
    const b = begin(B, 'b');
    stopStream(B);
    expect(b.controller.signal.aborted).toBe(true);
    expect(a.controller.signal.aborted).toBe(false);
    stopStream(null);
    expect(a.controller.signal.aborted).toBe(false);
    dropStream(A);
    expect(a.controller.signal.aborted).toBe(true);
    expect(streamOf(A)).toBeUndefined();
  });

  it('shows the open chat’s state: Send is free in an idle chat while another streams, Stop stops the open one', () => {
    const a = begin(A, 'a');
    updateStream(A, (s) => ({ ...s, state: applyStreamEvent(s.state, { type: 'token', text: 'Once' }, 1) }));
    currentSessionId.value = A;
    expect(busy.value).toBe(true);
    expect(streamingMessageId.value).toBe('local-a-a');
    expect(streamState.value?.text).toBe('Once');
    expect(liveStatus.value).toBe('Assistant is replying…');

    currentSessionId.value = B;
    expect(busy.value).toBe(false);
    expect(streamingMessageId.value).toBeNull();
    expect(streamState.value).toBeNull();
    expect(liveStatus.value).toBe('');
    stopReply();
    expect(a.controller.signal.aborted).toBe(false);

    // Tokens that arrive while B is open are there when A is open again.
    updateStream(A, (s) => ({ ...s, state: applyStreamEvent(s.state, { type: 'token', text: ' upon' }, 2) }));
    const b = begin(B, 'b');
    expect(busy.value).toBe(true);
    expect(streamingMessageId.value).toBe('local-a-b');
    stopReply();
    expect(b.controller.signal.aborted).toBe(true);
    expect(a.controller.signal.aborted).toBe(false);

    currentSessionId.value = A;
    expect(currentStream.value?.state.text).toBe('Once upon');
    expect(busy.value).toBe(true);
    endStream(A);
    expect(busy.value).toBe(false);
    expect(streamingMessageId.value).toBeNull();
  });

  it('lays a reply in flight over freshly fetched messages, and never brings back a finished one', () => {
    begin(A, 'a');
    const older = [message('M1', A, 'user', 'hi'), message('M2', A, 'assistant', 'hello')];
    // Fetched before the server stored the exchange: the live copies are appended.
    expect(withStreamMessages(A, older).map((m) => m.id)).toEqual(['M1', 'M2', 'local-u-a', 'local-a-a']);
    // After `start` the stream holds the stored ids; the fetched placeholder is replaced, not repeated.
    updateStream(A, (s) => ({
      ...s,
      userMessage: message('U3', A, 'user', 'question a'),
      reply: message('R4', A, 'assistant'),
    }));
    const fetched = [...older, message('U3', A, 'user', 'question a'), message('R4', A, 'assistant', 'stale')];
    expect(withStreamMessages(A, fetched).map((m) => [m.id, m.content])).toEqual([
      ['M1', 'hi'],
      ['M2', 'hello'],
      ['U3', 'question a'],
      ['R4', ''],
    ]);
    expect(withStreamMessages(B, older)).toEqual(older);

    // Finished: a fetched copy gets the final text, a deleted one stays deleted.
    updateStream(A, (s) => ({ ...s, reply: { ...s.reply, content: 'the end', status: 'complete' } }));
    endStream(A);
    expect(withStreamMessages(A, fetched).at(-1)).toMatchObject({ id: 'R4', content: 'the end', status: 'complete' });
    expect(withStreamMessages(A, older).map((m) => m.id)).toEqual(['M1', 'M2']);
  });

  it('swaps a local message for the stored one without a duplicate when the stored one was fetched meanwhile', () => {
    messages.value = [
      message('U3', A, 'user', 'q'),
      message('local-u-a', A, 'user', 'q'),
      message('local-a-a', A, 'assistant'),
    ];
    replaceMessage('local-u-a', message('U3', A, 'user', 'q'));
    replaceMessage('local-a-a', message('R4', A, 'assistant'));
    expect(messages.value.map((m) => m.id)).toEqual(['U3', 'R4']);
  });
});
