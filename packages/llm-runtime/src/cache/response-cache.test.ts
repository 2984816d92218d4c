import type { GenerationStats } from '@chat-studio/protocol';
import { describe, expect, it } from 'vitest';
import { createResponseCache, isDeterministic, responseCacheKey } from './response-cache.js';

const stats: GenerationStats = {
  prompt_tokens: 3,
  completion_tokens: 2,
  time_to_first_token_ms: 1,
  tokens_per_second: 10,
  total_ms: 5,
  finish_reason: 'stop',
};
const messages = [{ role: 'user', content: 'hello' }];

describe('responseCacheKey', () => {
  it('ignores param order and undefined params', () => {
    const a = responseCacheKey({ modelId: 'm', messages, params: { temperature: 0, top_k: 5 } });
    const b = responseCacheKey({ modelId: 'm', messages, params: { top_k: 5, temperature: 0, seed: undefined } });
    expect(a).toBe(b);
  });

  it('differs by model, message role, content and params', () => {
    const base = responseCacheKey({ modelId: 'm', messages, params: { temperature: 0 } });
    expect(responseCacheKey({ modelId: 'n', messages, params: { temperature: 0 } })).not.toBe(base);
    expect(
      responseCacheKey({ modelId: 'm', messages: [{ role: 'system', content: 'hello' }], params: { temperature: 0 } }),
    ).not.toBe(base);
    expect(
      responseCacheKey({ modelId: 'm', messages: [{ role: 'user', content: 'hello!' }], params: { temperature: 0 } }),
    ).not.toBe(base);
    expect(responseCacheKey({ modelId: 'm', messages, params: { temperature: 0, max_tokens: 3 } })).not.toBe(base);
  });
});

describe('isDeterministic', () => {
  it('is true for temperature 0 or a seed only', () => {
    expect(isDeterministic({ temperature: 0 })).toBe(true);
    expect(isDeterministic({ temperature: 1, seed: 4 })).toBe(true);
    expect(isDeterministic({ temperature: 0.7 })).toBe(false);
    expect(isDeterministic(undefined)).toBe(false);
  });
});

describe('createResponseCache', () => {
  it('expires entries after the TTL', () => {
    let now = 1_000;
    const cache = createResponseCache({ ttlS: 10, maxEntries: 5, now: () => now });
    cache.set('k', { text: 'hi', stats });
    now += 9_999;
    expect(cache.get('k')?.text).toBe('hi');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry past maxEntries', () => {
    const cache = createResponseCache({ ttlS: 10, maxEntries: 2 });
    cache.set('a', { text: 'a', stats });
    cache.set('b', { text: 'b', stats });
    cache.get('a'); // a is now the most recent
    cache.set('c', { text: 'c', stats });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.text).toBe('a');
    expect(cache.get('c')?.text).toBe('c');
  });

  it('stores nothing when ttl is 0', () => {
    const cache = createResponseCache({ ttlS: 0, maxEntries: 2 });
    cache.set('a', { text: 'a', stats });
    expect(cache.enabled).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });
});
