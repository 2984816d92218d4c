/**
 * What the message list plans for a render, pure: how following changes with what arrived since the last render
 * (messages below, a reply that finished, a chat opened, a send, a search hit to show), which message the view is
 * anchored to, and where the viewport should be. The list commits the plan after the render, never during it.
 */
import { addedAfter, FOLLOWING, followReducer, type FollowEvent, type FollowState } from './follow.js';

/** The message the viewport stays on while not following, and where it stands in it. */
export interface ScrollAnchor {
  id: string;
  /** Scroll position minus the top of the anchor message. */
  delta: number;
}

/** What the list remembers from the render before (committed after each render; handlers update it too). */
export interface ListMemo {
  follow: FollowState;
  anchor: ScrollAnchor | null;
  /** Last message id at the last render. */
  lastId: string | null;
  /** Reply being written at the last render. */
  streamingId: string | null;
  /** `openCount` and `sendCount` seen at the last render; `-1` before the first. */
  openCount: number;
  sendCount: number;
}

/** The memo before the first render: following, nothing seen. */
export const FIRST_RENDER: Readonly<ListMemo> = Object.freeze({
  follow: FOLLOWING,
  anchor: null,
  lastId: null,
  streamingId: null,
  openCount: -1,
  sendCount: -1,
});

/** What a render shows. */
export interface ListRender {
  items: ReadonlyArray<{ readonly id: string }>;
  streamingId: string | null;
  /** Bumped on every open of a chat (and on "Newest"). */
  openCount: number;
  /** Bumped on every send. */
  sendCount: number;
  /** A search hit to scroll to, if one is asked for. */
  focusId: string | null;
  /** The newest messages are not loaded: the bottom of the list is not the end of the chat. */
  newerPending: boolean;
  viewportHeight: number;
}

/**
 * The memo after this render: the follow events of what changed applied, the anchor moved to a search hit (or
 * dropped when a chat was opened).
 *
 * @example
 * const plan = planListRender(memo.current, { items, streamingId, openCount, sendCount, focusId, newerPending, viewportHeight });
 * useLayoutEffect(() => { memo.current = plan; });
 */
export function planListRender(memo: ListMemo, render: ListRender): ListMemo {
  const { items, focusId } = render;
  let follow = memo.follow;
  let anchor = memo.anchor;
  const apply = (event: FollowEvent) => {
    follow = followReducer(follow, event);
  };
  // Messages that arrived below since the last render count on the "Newest" button while scrolled up.
  apply({ type: 'appended', added: addedAfter(items, memo.lastId) });
  // A reply that finished while the reader was scrolled up is new to them too.
  if (memo.streamingId !== null && render.streamingId === null) apply({ type: 'appended', added: 1 });
  if (render.openCount !== memo.openCount) {
    apply({ type: 'open' });
    anchor = null;
  }
  // The first render only records the count: mounting is not a send.
  if (render.sendCount !== memo.sendCount && memo.sendCount >= 0) apply({ type: 'send' });
  if (focusId && items.some((m) => m.id === focusId)) {
    apply({ type: 'intent-up' });
    anchor = { id: focusId, delta: -Math.round(render.viewportHeight * 0.25) };
  }
  if (render.newerPending) apply({ type: 'intent-up' });
  return {
    follow,
    anchor,
    lastId: items.length ? items[items.length - 1]!.id : null,
    streamingId: render.streamingId,
    openCount: render.openCount,
    sendCount: render.sendCount,
  };
}

/**
 * Where the viewport should be: the bottom when following, else where the anchor message is now (its offset may
 * have moved with pages loaded above or heights measured), else where it is.
 *
 * @example
 * wantedScrollTop(plan, items, offsets, 800, scroller.scrollTop)
 */
export function wantedScrollTop(
  memo: Pick<ListMemo, 'follow' | 'anchor'>,
  items: ReadonlyArray<{ readonly id: string }>,
  offsets: ArrayLike<number>,
  viewportHeight: number,
  scrollTop: number,
): number {
  const total = offsets[items.length] ?? 0;
  if (memo.follow.following) return Math.max(0, total - viewportHeight);
  const anchor = memo.anchor;
  if (!anchor) return scrollTop;
  const i = items.findIndex((m) => m.id === anchor.id);
  if (i < 0) return scrollTop;
  return Math.max(0, Math.min(total - viewportHeight, offsets[i]! + anchor.delta));
}
