/** The /v1 chat stream's encoder: OpenAI's chunks in order, and a described error (never a raw message) mid-stream. */
import { describe, expect, it } from 'vitest';
import type { GenerationStats } from '@chat-studio/protocol';
import { chunkEncoder } from './send-completion.js';

const ids = { id: 'chatcmpl-1', created: 1, model: 'tiny' };
const stats: GenerationStats = {
  prompt_tokens: 2,
  completion_tokens: 1,
  time_to_first_token_ms: 1,
  tokens_per_second: 5,
  total_ms: 3,
  finish_reason: 'stop',
};
const data = (frames: { data: string }[]) => frames.map((f) => (f.data === '[DONE]' ? f.data : JSON.parse(f.data)));

describe('chunkEncoder', () => {
  it('role chunk, content deltas, finish chunk, usage chunk, [DONE]', () => {
    const encoder = chunkEncoder(ids, true);
    const frames = [
      ...(encoder.begin?.() ?? []),
      ...encoder.frames({ type: 'token', text: 'Hi' }),
      ...encoder.frames({ type: 'done', text: 'Hi', stats }),
      ...(encoder.end?.() ?? []),
    ];
    expect(frames.every((f) => !('event' in f))).toBe(true);
    const chunk = (delta: object, finish: string | null) => ({
      ...ids,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      usage: null,
    });
    expect(data(frames)).toEqual([
      chunk({ role: 'assistant', content: '' }, null),
      chunk({ content: 'Hi' }, null),
      chunk({}, 'stop'),
      {
        ...ids,
        object: 'chat.completion.chunk',
        choices: [],
        usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
      },
      '[DONE]',
    ]);
  });

  it('an error mid-stream is OpenAI-shaped and described: a defect does not leak its message', () => {
    const encoder = chunkEncoder(ids, false);
    expect(data(encoder.frames({ type: 'error', error: new Error('secret path /srv/x') }))).toEqual([
      { error: { message: 'Internal server error', type: 'server_error', param: null, code: 'internal_error' } },
    ]);
    const busy = Object.assign(new Error('queue full'), { code: 'queue_full' });
    expect(data(encoder.fail(busy))[0]).toMatchObject({
      error: { code: 'queue_full', message: 'Chat service is busy: queue full' },
    });
  });
});
