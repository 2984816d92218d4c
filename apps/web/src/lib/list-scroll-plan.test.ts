import { describe, expect, it } from 'vitest';
import { FOLLOWING } from './follow.js';
import { FIRST_RENDER, planListRender, wantedScrollTop, type ListMemo, type ListRender } from './list-scroll-plan.js';
import { computeOffsets } from './virtual-list.js';

const items = (...ids: string[]) => ids.map((id) => ({ id }));
const render = (over: Partial<ListRender> = {}): ListRender => ({
  items: items('a', 'b'),
  streamingId: null,
  openCount: 1,
  sendCount: 0,
  focusId: null,
  newerPending: false,
  viewportHeight: 400,
  ...over,
});
const scrolledUp: ListMemo = {
  ...planListRender(FIRST_RENDER, render()),
  follow: { following: false, unseen: 0 },
  anchor: { id: 'a', delta: 10 },
};

describe('planListRender', () => {
  it('records the first render without counting it as a send or as new messages', () => {
    const first = planListRender(FIRST_RENDER, render({ sendCount: 3 }));
    expect(first).toEqual({
      follow: FOLLOWING,
      anchor: null,
      lastId: 'b',
      streamingId: null,
      openCount: 1,
      sendCount: 3,
    });
    // Pure: planning again from the same memo gives the same plan, and the memo is untouched.
    expect(planListRender(FIRST_RENDER, render({ sendCount: 3 }))).toEqual(first);
    expect(FIRST_RENDER.lastId).toBeNull();
  });

  it('counts messages below and a finished reply as unseen while scrolled up', () => {
    const added = planListRender(scrolledUp, render({ items: items('a', 'b', 'c', 'd') }));
    expect(added.follow).toEqual({ following: false, unseen: 2 });
    const streaming = planListRender(added, render({ items: items('a', 'b', 'c', 'd'), streamingId: 'd' }));
    const finished = planListRender(streaming, render({ items: items('a', 'b', 'c', 'd') }));
    expect(finished.follow.unseen).toBe(3);
  });

  it('follows again on open (dropping the anchor) and on send', () => {
    expect(planListRender(scrolledUp, render({ openCount: 2 }))).toMatchObject({ follow: FOLLOWING, anchor: null });
    const sent = planListRender(scrolledUp, render({ sendCount: 1 }));
    expect(sent.follow).toEqual(FOLLOWING);
    expect(sent.anchor).toEqual(scrolledUp.anchor);
  });

  it('anchors a quarter of the viewport above a search hit once it is loaded, and never sticks with newer pending', () => {
    const memo = planListRender(FIRST_RENDER, render());
    expect(planListRender(memo, render({ focusId: 'x' })).follow).toEqual(FOLLOWING);
    const hit = planListRender(memo, render({ focusId: 'b' }));
    expect(hit).toMatchObject({ follow: { following: false }, anchor: { id: 'b', delta: -100 } });
    expect(planListRender(memo, render({ newerPending: true })).follow.following).toBe(false);
  });
});

describe('wantedScrollTop', () => {
  const offsets = computeOffsets([300, 300, 300, 300]);
  const list = items('a', 'b', 'c', 'd');

  it('is the bottom when following, the anchor when not, else where the view is', () => {
    expect(wantedScrollTop({ follow: FOLLOWING, anchor: null }, list, offsets, 400, 0)).toBe(800);
    const up = { following: false, unseen: 0 };
    expect(wantedScrollTop({ follow: up, anchor: { id: 'b', delta: 50 } }, list, offsets, 400, 0)).toBe(350);
    // Clamped to what can be scrolled.
    expect(wantedScrollTop({ follow: up, anchor: { id: 'd', delta: 200 } }, list, offsets, 400, 0)).toBe(800);
    expect(wantedScrollTop({ follow: up, anchor: { id: 'gone', delta: 0 } }, list, offsets, 400, 123)).toBe(123);
    expect(wantedScrollTop({ follow: up, anchor: null }, list, offsets, 400, 123)).toBe(123);
  });
});
