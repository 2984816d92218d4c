/**
 * Following the conversation: whether the message list sticks to the newest message, and how many messages
 * arrived below while the reader was scrolled up. A pure reducer so the rules are tested without a browser.
 *
 * The rule that keeps it from freezing: only the reader leaves the bottom. Content that grows (a streamed token,
 * a late measurement) and scrolls the list itself makes never count as "scrolled up"; a scroll counts only when
 * the position moved up by more than the list moved it itself.
 */

/** Follow state of one open chat. */
export interface FollowState {
  /** The view stays at the bottom as messages and tokens arrive. */
  following: boolean;
  /** Messages added below since the reader left the bottom (shown on the "Newest" button). */
  unseen: number;
}

/** What happened to the list. */
export type FollowEvent =
  /** A chat was opened (or "Newest" was pressed): go to the bottom and follow. */
  | { type: 'open' }
  /** The user sent a message: it is always brought into view, so follow again. */
  | { type: 'send' }
  /** The list was scrolled (by anything). `byList` marks a position the list set itself. */
  | { type: 'scroll'; top: number; previousTop: number; bottomGap: number; byList: boolean; stickPx: number }
  /** The reader asked to move up (wheel or key), before the position changed. */
  | { type: 'intent-up' }
  /** Messages were added after the last one (not older pages above, not a placeholder replaced in place). */
  | { type: 'appended'; added: number };

/** A fresh state: following, nothing unseen. */
export const FOLLOWING: Readonly<FollowState> = Object.freeze({ following: true, unseen: 0 });

/**
 * Applies one event.
 *
 * @example
 * let s = followReducer(FOLLOWING, { type: 'intent-up' }); // { following: false, unseen: 0 }
 * s = followReducer(s, { type: 'appended', added: 2 }); // { following: false, unseen: 2 }
 */
export function followReducer(state: FollowState, event: FollowEvent): FollowState {
  switch (event.type) {
    case 'open':
    case 'send':
      return FOLLOWING;
    case 'intent-up':
      return state.following ? { following: false, unseen: 0 } : state;
    case 'scroll': {
      if (event.bottomGap <= event.stickPx) return state.following ? state : FOLLOWING;
      const movedUp = event.top < event.previousTop - 1;
      if (state.following && movedUp && !event.byList) return { following: false, unseen: 0 };
      return state;
    }
    case 'appended':
      return state.following || event.added <= 0 ? state : { following: false, unseen: state.unseen + event.added };
  }
}

/**
 * How many messages were added after the previous last message: 0 when it is gone (replaced in place by its
 * stored copy) or when nothing follows it; older pages loaded above never count.
 *
 * @example
 * addedAfter([{ id: 'a' }, { id: 'b' }], 'a') // 1
 */
export function addedAfter(items: ReadonlyArray<{ readonly id: string }>, previousLastId: string | null): number {
  if (previousLastId === null) return 0;
  // From the end: the previous last message is almost always among the last few.
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.id === previousLastId) return items.length - 1 - i;
  return 0;
}
