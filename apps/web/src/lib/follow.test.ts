import { describe, expect, it } from 'vitest';
import { addedAfter, FOLLOWING, followReducer, type FollowState } from './follow.js';

const scroll = (top: number, previousTop: number, bottomGap: number, byList = false) =>
  ({ type: 'scroll', top, previousTop, bottomGap, byList, stickPx: 48 }) as const;

describe('followReducer', () => {
  it('keeps following when content grows below and the position does not move up', () => {
    // A streamed token made the list taller before the list scrolled to the new bottom: a gap, but no move up.
    expect(followReducer(FOLLOWING, scroll(1000, 1000, 400))).toBe(FOLLOWING);
    expect(followReducer(FOLLOWING, scroll(1400, 1000, 300))).toBe(FOLLOWING);
  });

  it('keeps following when the list itself moved the position up (a remeasured message)', () => {
    expect(followReducer(FOLLOWING, scroll(900, 1000, 200, true))).toBe(FOLLOWING);
  });

  it('stops following when the reader scrolls up, and follows again at the bottom', () => {
    const up = followReducer(FOLLOWING, scroll(600, 1000, 400));
    expect(up).toEqual({ following: false, unseen: 0 });
    expect(followReducer(up, scroll(990, 600, 10))).toBe(FOLLOWING);
  });

  it('stops following on an upward wheel or key before the position changes', () => {
    expect(followReducer(FOLLOWING, { type: 'intent-up' })).toEqual({ following: false, unseen: 0 });
  });

  it('counts messages added below while scrolled up, and resets on send and open', () => {
    let s: FollowState = followReducer(FOLLOWING, { type: 'intent-up' });
    s = followReducer(s, { type: 'appended', added: 2 });
    s = followReducer(s, { type: 'appended', added: 1 });
    expect(s).toEqual({ following: false, unseen: 3 });
    expect(followReducer(s, { type: 'send' })).toBe(FOLLOWING);
    expect(followReducer(s, { type: 'open' })).toBe(FOLLOWING);
    // Following: nothing is unseen.
    expect(followReducer(FOLLOWING, { type: 'appended', added: 2 })).toBe(FOLLOWING);
  });
});

describe('addedAfter', () => {
  it('counts only messages after the previous last one', () => {
    const ids = (...list: string[]) => list.map((id) => ({ id }));
    expect(addedAfter(ids('a', 'b', 'c'), 'a')).toBe(2);
    // An older page loaded above: nothing new below.
    expect(addedAfter(ids('x', 'y', 'a'), 'a')).toBe(0);
    // The placeholder was replaced by its stored copy: nothing new.
    expect(addedAfter(ids('a', 'stored'), 'local-1')).toBe(0);
    expect(addedAfter(ids('a'), null)).toBe(0);
  });
});
