import { describe, expect, it } from 'vitest';
import type { ChatMessage, StreamEvent } from '@chat-studio/protocol';
import {
  applyTurnEvent,
  createTurn,
  DISCONNECTED_TEXT,
  withdrawnIds,
  type Branching,
  type Turn,
} from './turn-reducer.js';
import { chatMessage } from '../testing/chat-message.js';

const S = '01J0000000000000000000000S';
const U = '01J0000000000000000000000V';
const A = '01J0000000000000000000000A';

function message(
  id: string,
  role: 'user' | 'assistant',
  content: string,
  extra: Partial<ChatMessage> = {},
): ChatMessage {
  return chatMessage({ id, session_id: S, role, content, status: role === 'user' ? 'complete' : 'partial', ...extra });
}

const turn = (branching?: Branching): Turn =>
  createTurn({
    user: message('local-u-1', 'user', 'Hi'),
    reply: message('local-a-1', 'assistant', ''),
    branching,
    now: 0,
  });
const start: StreamEvent = {
  type: 'start',
  session_id: S,
  user_message: message(U, 'user', 'Hi'),
  assistant_message_id: A,
  model_id: 'stories260K',
};
const stream = (t: Turn, event: StreamEvent, now = 1) => applyTurnEvent(t, { type: 'stream', event }, now);

describe('applyTurnEvent', () => {
  it('swaps the placeholders for the stored ids on start and keeps the messages on tokens', () => {
    const started = stream(turn(), start);
    expect(started.user.id).toBe(U);
    expect(started.reply).toMatchObject({ id: A, model_id: 'stories260K' });
    const token = stream(started, { type: 'token', text: 'Once' });
    expect(token.user).toBe(started.user);
    expect(token.reply).toBe(started.reply);
    expect(token.state.text).toBe('Once');
  });

  it('marks the new sibling as the newest of its versions (edit: the question; regenerate: the reply)', () => {
    const edit = stream(turn({ kind: 'edit', messageId: 'x', siblings: 2 }), start);
    expect(edit.user).toMatchObject({ sibling_position: 3, sibling_count: 3 });
    const question = message(U, 'user', 'Hi');
    const regen = stream(turn({ kind: 'regenerate', messageId: 'y', question, siblings: 1 }), start);
    expect(regen.reply).toMatchObject({ sibling_position: 2, sibling_count: 2 });
    expect(regen.user.sibling_count).toBeUndefined();
  });

  it('keeps what arrived when the stream closes early, is stopped, or fails after start', () => {
    const streaming = stream(stream(turn(), start), { type: 'token', text: 'Once' });
    const ended = applyTurnEvent(streaming, { type: 'ended' }, 2);
    expect(ended.reply).toMatchObject({ content: 'Once', status: 'partial' });
    expect(ended.replyError).toBe(DISCONNECTED_TEXT);
    const aborted = applyTurnEvent(streaming, { type: 'aborted' }, 2);
    expect(aborted).toMatchObject({ withdrawn: false, reply: { status: 'partial', finish_reason: 'abort' } });
    const failed = applyTurnEvent(streaming, { type: 'failed', code: 'failed', message: 'Network down' }, 2);
    expect(failed).toMatchObject({ withdrawn: false, replyError: 'Network down', reply: { status: 'error' } });
  });

  it('withdraws a turn stopped or refused before start', () => {
    expect(applyTurnEvent(turn(), { type: 'aborted' }, 1).withdrawn).toBe(true);
    const refused = applyTurnEvent(turn(), { type: 'failed', code: 'chat_unavailable', message: 'No model' }, 1);
    expect(refused).toMatchObject({ withdrawn: true, state: { phase: 'error', error: { code: 'chat_unavailable' } } });
    expect(withdrawnIds(refused)).toEqual(['local-u-1', 'local-a-1']);
    const question = message(U, 'user', 'Hi');
    expect(withdrawnIds(turn({ kind: 'regenerate', messageId: 'y', question, siblings: 1 }))).toEqual(['local-a-1']);
  });

  it('ignores events once the reply finished', () => {
    const done = stream(stream(turn(), start), {
      type: 'done',
      message: message(A, 'assistant', 'End', { status: 'complete' }),
      stats: {
        prompt_tokens: 1,
        completion_tokens: 1,
        time_to_first_token_ms: 5,
        tokens_per_second: 10,
        total_ms: 9,
        finish_reason: 'stop',
      },
    });
    expect(stream(done, { type: 'token', text: 'late' })).toBe(done);
    expect(applyTurnEvent(done, { type: 'ended' }, 3)).toBe(done);
    // Stop pressed between `done` and the end of the body: the finished reply is not turned into a partial one.
    expect(applyTurnEvent(done, { type: 'aborted' }, 3)).toBe(done);
    expect(applyTurnEvent(done, { type: 'failed', code: 'failed', message: 'late' }, 3)).toBe(done);
  });
});
