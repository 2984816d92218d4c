import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@chat-studio/protocol';
import { ApiError } from '../../../errors/index.js';
import { toInputMessages, toParams } from './request.js';
import { messageIdOf, responseId, responseObject, statusOf } from './response-object.js';

const paramOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? (error.details as { param?: string }).param : String(error);
  }
  return undefined;
};

describe('Responses input', () => {
  it('a string is one user message; message items keep their roles, developer is system, parts are joined', () => {
    expect(toInputMessages('Hi', DEFAULT_LIMITS)).toEqual([{ role: 'user', content: 'Hi' }]);
    const messages = toInputMessages(
      [
        { role: 'developer', content: 'Be brief.' },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello' }],
          id: 'msg_1',
          status: 'completed',
        },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Tell ' },
            { type: 'input_text', text: 'more' },
          ],
        },
      ],
      DEFAULT_LIMITS,
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'Tell more' },
    ]);
  });

  it('refuses other item and part types, naming where they are', () => {
    expect(
      paramOf(() => toInputMessages([{ type: 'function_call_output', call_id: 'c', output: '1' }], DEFAULT_LIMITS)),
    ).toBe('input[0].type');
    expect(
      paramOf(() =>
        toInputMessages([{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }], DEFAULT_LIMITS),
      ),
    ).toBe('input[0].content[0]');
    expect(paramOf(() => toInputMessages([{ role: 'tool', content: 'x' }], DEFAULT_LIMITS))).toBe('input[0].role');
  });

  it('instructions become the turn’s system prompt and json_object is JSON mode', () => {
    expect(
      toParams({
        model: 'm',
        input: 'x',
        instructions: 'Be brief.',
        max_output_tokens: 5,
        text: { format: { type: 'json_object' } },
      }),
    ).toEqual({
      system_prompt: 'Be brief.',
      max_tokens: 5,
      json_mode: true,
    });
  });
});

describe('Response objects', () => {
  it('ids name the stored reply', () => {
    expect(responseId('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('resp_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(messageIdOf('resp_01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(messageIdOf('chatcmpl-1')).toBeNull();
  });

  it('a reply cut by max_output_tokens is incomplete with the reason; usage adds up', () => {
    expect(statusOf({ finish_reason: 'stop' })).toBe('completed');
    expect(statusOf({ finish_reason: 'length' })).toBe('incomplete');
    const facts = {
      messageId: 'M',
      createdAt: 1,
      model: 'm',
      instructions: null,
      previousResponseId: null,
      maxOutputTokens: 4,
      temperature: null,
      topP: null,
      sessionId: 'S',
    };
    const res = responseObject(facts, {
      status: 'incomplete',
      text: 'Once',
      usage: { input: 3, output: 4, cached: 1 },
    });
    expect(res).toMatchObject({
      id: 'resp_M',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        {
          id: 'msg_M',
          type: 'message',
          status: 'incomplete',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Once', annotations: [] }],
        },
      ],
      usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7, input_tokens_details: { cached_tokens: 1 } },
      chat_session_id: 'S',
    });
  });
});
