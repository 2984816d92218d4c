import { describe, expect, it } from 'vitest';
import { plural } from './plural.js';

describe('plural', () => {
  it('uses the singular for exactly one and the plural otherwise', () => {
    expect(plural(1, 'result')).toBe('1 result');
    expect(plural(0, 'result')).toBe('0 results');
    expect(plural(2, 'new message')).toBe('2 new messages');
    expect(plural(1200, 'match', 'matches')).toBe('1,200 matches');
  });
});
