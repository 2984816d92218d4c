import { describe, expect, it } from 'vitest';
import { inputLimit } from './input-limit.js';

describe('inputLimit', () => {
  it('shows nothing well below the limit', () => {
    expect(inputLimit(10, 100_000)).toMatchObject({ show: false, over: false, message: null });
  });
  it('shows the counter near the limit, still allowed at the limit', () => {
    expect(inputLimit(80_000, 100_000)).toMatchObject({ show: true, over: false, counter: '80,000 / 100,000' });
    expect(inputLimit(100_000, 100_000).over).toBe(false);
  });
  it('refuses over the limit with a sentence', () => {
    expect(inputLimit(100_001, 100_000).message).toBe(
      'The message is 1 character over the limit of 100,000. Shorten it to send.',
    );
    expect(inputLimit(150_000, 100_000)).toMatchObject({ over: true, show: true });
  });
});
