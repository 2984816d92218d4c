import { describe, expect, it } from 'vitest';
import { ChatApiError, type ChatMessage } from '@chat-studio/protocol';
import { describeFailure, failureAction, NotAStreamError, shouldFallBack } from './send-failure.js';
import { applyTurnEvent, createTurn, type Branching, type Turn } from './turn-reducer.js';
import { chatMessage } from '../testing/chat-message.js';

const S = '01J0000000000000000000000S';

function message(id: string, role: 'user' | 'assistant'): ChatMessage {
  return chatMessage({ id, session_id: S, role });
}

const fresh = (branching?: Branching): Turn =>
  createTurn({ user: message('local-u-1', 'user'), reply: message('local-a-1', 'assistant'), branching, now: 0 });
const started = applyTurnEvent(
  fresh(),
  {
    type: 'stream',
    event: {
      type: 'start',
      session_id: S,
      user_message: message('01J0000000000000000000000V', 'user'),
      assistant_message_id: '01J0000000000000000000000A',
      model_id: 'm',
    },
  },
  1,
);
const network = new TypeError('Failed to fetch');
const refused = new ChatApiError(503, 'chat_unavailable', 'No model is loaded.');

describe('failureAction', () => {
  it('stops on abort, whatever else happened', () => {
    expect(failureAction(fresh(), network, true)).toBe('abort');
    expect(failureAction(started, network, true)).toBe('abort');
  });

  it('falls back to /api/chat/send only for a plain send that got nothing, on an error a retry could fix', () => {
    expect(failureAction(fresh(), network, false)).toBe('fall-back');
    expect(failureAction(fresh(), new NotAStreamError('no events'), false)).toBe('fall-back');
    expect(failureAction(fresh(), new ChatApiError(404, 'not_found', 'No route'), false)).toBe('fall-back');
    expect(failureAction(fresh(), refused, false)).toBe('withdraw');
    expect(failureAction(fresh({ kind: 'edit', messageId: 'x', siblings: 1 }), network, false)).toBe('withdraw');
  });

  it('keeps the turn (and fails it) once the server stored the question', () => {
    expect(failureAction(started, network, false)).toBe('fail');
    expect(failureAction(started, refused, false)).toBe('fail');
  });
});

describe('shouldFallBack and describeFailure', () => {
  it('treats refusals a retry would repeat as final', () => {
    expect(shouldFallBack(new ChatApiError(400, 'validation_error', 'Bad'))).toBe(false);
    expect(shouldFallBack(new ChatApiError(415, 'bad_request', 'Type'))).toBe(true);
  });

  it('carries the server code and sentence', () => {
    expect(describeFailure(refused)).toEqual({ code: 'chat_unavailable', message: 'No model is loaded.' });
    expect(describeFailure(network)).toEqual({ code: 'failed', message: 'Failed to fetch' });
    expect(describeFailure('odd')).toEqual({ code: 'failed', message: 'odd' });
  });
});
