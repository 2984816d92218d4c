/** The native stream's encoder: the protocol's events, byte for byte, from the turn service's events. */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, GenerationStats } from '@chat-studio/protocol';
import { ApiError } from '../../errors/index.js';
import { nativeEncoder } from './stream-turn.js';

const message = (id: string, role: ChatMessage['role'], content: string): ChatMessage =>
  ({ id, session_id: 's1', role, content, status: 'complete', parent_id: null }) as ChatMessage;
const stats: GenerationStats = {
  prompt_tokens: 2,
  completion_tokens: 1,
  time_to_first_token_ms: 1,
  tokens_per_second: 5,
  total_ms: 3,
  finish_reason: 'stop',
};

describe('nativeEncoder', () => {
  it('writes start, token and done as named events whose data is the protocol event', () => {
    const encoder = nativeEncoder('s1', {});
    const user = message('m1', 'user', 'hi');
    expect(encoder.frames({ type: 'start', userMessage: user, assistantMessageId: 'm2', modelId: 'tiny' })).toEqual([
      {
        event: 'start',
        data: JSON.stringify({
          type: 'start',
          session_id: 's1',
          user_message: user,
          assistant_message_id: 'm2',
          model_id: 'tiny',
        }),
      },
    ]);
    expect(encoder.frames({ type: 'token', text: 'He' })).toEqual([
      { event: 'token', data: '{"type":"token","text":"He"}' },
    ]);
    const reply = message('m2', 'assistant', 'He');
    expect(
      encoder.frames({
        type: 'done',
        text: 'He',
        stats,
        turn: { user_message: user, assistant_message: reply, stats },
      }),
    ).toEqual([{ event: 'done', data: JSON.stringify({ type: 'done', message: reply, stats }) }]);
  });

  it('describes errors by code and names the stored reply; a storage error says the reply was not stored', () => {
    const counted: string[] = [];
    const encoder = nativeEncoder('s1', { metrics: { countStorageError: (code) => void counted.push(code) } });
    const [busy] = encoder.frames({
      type: 'error',
      error: new ApiError('queue_full', 'Chat service is busy'),
      assistantMessageId: 'm2',
    });
    expect(JSON.parse(busy!.data)).toEqual({
      type: 'error',
      code: 'queue_full',
      message: 'Chat service is busy',
      assistant_message_id: 'm2',
    });
    const full = Object.assign(new Error('disk full'), { code: 'storage_full' });
    const [stored] = encoder.fail(full);
    expect(JSON.parse(stored!.data)).toMatchObject({
      code: 'storage_full',
      message: 'The reply could not be stored: disk full',
    });
    expect(JSON.parse(stored!.data)).not.toHaveProperty('assistant_message_id');
    expect(counted).toEqual(['storage_full']);
  });
});
