import { describe, expect, it } from 'vitest';
import { readChatStream, type ChatMessage, type StreamEvent } from '@chat-studio/protocol';
import { abortStream, applyStreamEvent, createStreamState, replySpeed } from './stream-reducer.js';
import { chatMessage } from '../testing/chat-message.js';

const SESSION = '01J0000000000000000000000S';
const USER = '01J0000000000000000000000B';
const REPLY = '01J0000000000000000000000A';

function message(id: string, role: 'user' | 'assistant', content: string): ChatMessage {
  const reply = role === 'assistant';
  return chatMessage({
    id,
    session_id: SESSION,
    role,
    content,
    model_id: reply ? 'stories260K' : null,
    finish_reason: reply ? 'stop' : null,
  });
}

const start: StreamEvent = {
  type: 'start',
  session_id: SESSION,
  user_message: message(USER, 'user', 'Hi'),
  assistant_message_id: REPLY,
  model_id: 'stories260K',
};
const stats = {
  prompt_tokens: 5,
  completion_tokens: 3,
  time_to_first_token_ms: 42,
  tokens_per_second: 100,
  total_ms: 70,
  finish_reason: 'stop' as const,
};

describe('applyStreamEvent', () => {
  it('folds start, tokens and done into the reply', () => {
    let s = createStreamState(1000);
    expect(s.phase).toBe('connecting');
    s = applyStreamEvent(s, start, 1010);
    expect(s).toMatchObject({ phase: 'streaming', assistantId: REPLY, modelId: 'stories260K', text: '' });
    expect(s.userMessage?.id).toBe(USER);
    s = applyStreamEvent(s, { type: 'token', text: 'Once' }, 1100);
    s = applyStreamEvent(s, { type: 'token', text: ' upon' }, 1150);
    expect(s).toMatchObject({ text: 'Once upon', tokens: 2, firstTokenAt: 1100 });
    s = applyStreamEvent(s, { type: 'done', message: message(REPLY, 'assistant', 'Once upon a'), stats }, 1200);
    expect(s).toMatchObject({ phase: 'done', text: 'Once upon a', stats, endedAt: 1200 });
    expect(s.message?.id).toBe(REPLY);
  });

  it('records an error event and keeps the text so far', () => {
    let s = applyStreamEvent(createStreamState(0), start, 1);
    s = applyStreamEvent(s, { type: 'token', text: 'par' }, 2);
    s = applyStreamEvent(
      s,
      { type: 'error', code: 'timeout', message: 'Generation timed out', assistant_message_id: REPLY },
      3,
    );
    expect(s).toMatchObject({
      phase: 'error',
      text: 'par',
      error: { code: 'timeout', message: 'Generation timed out' },
      endedAt: 3,
    });
  });

  it('ignores events after the reply finished', () => {
    let s = applyStreamEvent(createStreamState(0), { type: 'error', code: 'chat_unavailable', message: 'no model' }, 1);
    const after = applyStreamEvent(s, { type: 'token', text: 'late' }, 2);
    expect(after).toBe(s);
    s = abortStream(applyStreamEvent(createStreamState(0), { type: 'token', text: 'a' }, 1), 5);
    expect(s).toMatchObject({ phase: 'aborted', text: 'a', endedAt: 5 });
    expect(applyStreamEvent(s, { type: 'token', text: 'b' }, 6).text).toBe('a');
    expect(abortStream(s, 9)).toBe(s);
  });

  it('does not mutate the previous state', () => {
    const s0 = createStreamState(0);
    const s1 = applyStreamEvent(s0, { type: 'token', text: 'x' }, 1);
    expect(s0.text).toBe('');
    expect(s1.text).toBe('x');
  });
});

describe('replySpeed', () => {
  it('measures time to first token and tokens/s while streaming', () => {
    let s = createStreamState(1000);
    expect(replySpeed(s, 1500)).toEqual({ timeToFirstTokenMs: null, tokensPerSecond: null });
    s = applyStreamEvent(s, { type: 'token', text: 'a' }, 1250);
    expect(replySpeed(s, 1300)).toEqual({ timeToFirstTokenMs: 250, tokensPerSecond: null });
    for (let i = 1; i <= 10; i++) s = applyStreamEvent(s, { type: 'token', text: 'b' }, 1250 + i * 10);
    // 10 intervals over 100 ms after the first token.
    expect(replySpeed(s, 1350)).toEqual({ timeToFirstTokenMs: 250, tokensPerSecond: 100 });
  });
  it('prefers the server figures once done', () => {
    let s = applyStreamEvent(createStreamState(0), { type: 'token', text: 'a' }, 500);
    s = applyStreamEvent(s, { type: 'done', message: message(REPLY, 'assistant', 'a'), stats }, 600);
    expect(replySpeed(s, 10_000)).toEqual({ timeToFirstTokenMs: 42, tokensPerSecond: 100 });
  });
});

describe('reducer over a real SSE byte stream', () => {
  function sse(chunks: string[]): ReadableStream<Uint8Array> {
    const enc = new TextEncoder();
    return new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(enc.encode(c));
        controller.close();
      },
    });
  }

  it('builds the reply from events split across chunk boundaries, skipping keep-alive comments', async () => {
    const events: StreamEvent[] = [
      start,
      { type: 'token', text: 'Lily ' },
      { type: 'token', text: 'saw a <b>cat</b>' },
      { type: 'done', message: message(REPLY, 'assistant', 'Lily saw a <b>cat</b>'), stats },
    ];
    const wire = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(': keep-alive\n\n');
    // Cut the wire into 7-byte pieces so that events and even JSON strings are split.
    const pieces: string[] = [];
    for (let i = 0; i < wire.length; i += 7) pieces.push(wire.slice(i, i + 7));
    let s = createStreamState(0);
    let clock = 0;
    for await (const e of readChatStream(sse(pieces))) s = applyStreamEvent(s, e, ++clock);
    expect(s.phase).toBe('done');
    expect(s.tokens).toBe(2);
    expect(s.text).toBe('Lily saw a <b>cat</b>');
  });

  it('turns an event that breaks the protocol into an error', async () => {
    let s = createStreamState(0);
    for await (const e of readChatStream(sse(['event: token\ndata: {"type":"token"}\n\n'])))
      s = applyStreamEvent(s, e, 1);
    expect(s.phase).toBe('error');
    expect(s.error?.code).toBe('invalid_event');
  });
});
