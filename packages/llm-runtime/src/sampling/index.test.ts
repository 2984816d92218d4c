import { describe, expect, it } from 'vitest';
import { SEED_MAX } from '@chat-studio/protocol';
import { resolveSeed, toRepeatPenalty } from './index.js';

describe('resolveSeed', () => {
  it('keeps a given seed and draws a fresh one in range otherwise', () => {
    expect(resolveSeed(0)).toBe(0);
    expect(resolveSeed(SEED_MAX)).toBe(SEED_MAX);
    const drawn = Array.from({ length: 20 }, () => resolveSeed(undefined));
    expect(new Set(drawn).size).toBeGreaterThan(15);
    for (const seed of drawn) expect(seed >= 0 && seed <= SEED_MAX && Number.isInteger(seed)).toBe(true);
  });
});

describe('toRepeatPenalty', () => {
  it('maps OpenAI penalties and leaves the default alone when none is set', () => {
    expect(toRepeatPenalty({})).toBeUndefined();
    expect(toRepeatPenalty({ frequency_penalty: 0.5, presence_penalty: -1, repeat_penalty: 1.2 })).toEqual({
      frequencyPenalty: 0.5,
      presencePenalty: -1,
      penalty: 1.2,
    });
  });
});
