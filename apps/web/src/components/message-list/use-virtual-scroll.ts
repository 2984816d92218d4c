/**
 * Virtual scrolling of the message list: only the visible messages plus overscan are rendered, the view follows the
 * conversation until the reader scrolls up, keeps what the reader sees in place as pages load above, and brings a
 * search hit into view. Render only computes (see {@link planListRender}); what it planned is committed, and the
 * scroll position set, in a layout effect.
 */
import { useSignal, type Signal } from '@preact/signals';
import type { ChatMessage } from '@chat-studio/protocol';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { FOLLOWING, followReducer, type FollowEvent, type FollowState } from '../../lib/follow.js';
import { FIRST_RENDER, planListRender, wantedScrollTop, type ListMemo } from '../../lib/list-scroll-plan.js';
import { computeOffsets, computeWindow, estimateHeight, indexAt, type VirtualWindow } from '../../lib/virtual-list.js';
import { useMeasuredHeights } from './use-measured-heights.js';

const OVERSCAN = 5;
/** Start loading the next older (newer) page this close to the top (bottom). */
export const LOAD_PAGE_PX = 800;
/** Distance from the bottom that still counts as "following the conversation". */
const STICK_PX = 48;
const FOCUS_HIGHLIGHT_MS = 4000;
/** Keys that scroll the list up when it has focus: the reader is leaving the bottom. */
const UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

/** A value kept across renders (a ref). */
interface Box<T> {
  current: T;
}

/** What the list shows now. */
export interface VirtualScrollInput {
  list: readonly ChatMessage[];
  streamingId: string | null;
  openCount: number;
  sendCount: number;
  focusId: string | null;
  newerPending: boolean;
  /** Called when the reader scrolled near the top (`older`) or the bottom (`newer`) of what is loaded. */
  onNearEdge: (edge: 'older' | 'newer') => void;
  /** The search hit was brought into view (the request can be cleared); not called while it is not loaded yet. */
  onFocused: () => void;
}

/** What the list renders with. */
export interface VirtualScroll {
  scrollerRef: Box<HTMLDivElement | null>;
  win: VirtualWindow;
  /** Following and the unseen count, for the "Newest" button. */
  view: FollowState;
  /** The search hit highlighted for a few seconds. */
  highlighted: string | null;
  onScroll: () => void;
  onWheel: (e: WheelEvent) => void;
  onKeyDown: (e: KeyboardEvent) => void;
  onTouchMove: () => void;
  /** "Newest" pressed: follow again (the caller loads or scrolls to the newest messages). */
  followAgain: () => void;
}

/** The list's scroll state that lives across renders; only effects and event handlers change it. */
interface ScrollRefs {
  scroller: Box<HTMLDivElement | null>;
  memo: Box<ListMemo>;
  /** The scroll position the list set itself last; a scroll event there is not the reader's. */
  setByList: Box<number | null>;
  previousTop: Box<number>;
  /** What the "Newest" button shows; synced from `memo.follow` after each render and scroll. */
  followView: Signal<FollowState>;
  scrollTop: Signal<number>;
}

/**
 * The window to render for the list and the handlers for its scroller.
 *
 * @example
 * const scroll = useVirtualScroll({ list, streamingId, openCount, sendCount, focusId, newerPending, onNearEdge, onFocused });
 */
export function useVirtualScroll(input: VirtualScrollInput): VirtualScroll {
  const refs: ScrollRefs = {
    scroller: useRef<HTMLDivElement>(null),
    memo: useRef<ListMemo>(FIRST_RENDER),
    setByList: useRef<number | null>(null),
    previousTop: useRef(0),
    followView: useSignal<FollowState>(FOLLOWING),
    scrollTop: useSignal(0),
  };
  const highlighted = useSignal<string | null>(null);
  const { heights, version, viewportHeight, observe } = useMeasuredHeights(refs.scroller);
  const { list } = input;
  const offsets = useMemo(
    () => computeOffsets(list.map((m) => heights.get(m.id) ?? estimateHeight(m.content))),
    [list, version],
  );
  const viewH = viewportHeight || 800;
  const plan = planListRender(refs.memo.current, { ...input, items: list, viewportHeight: viewH });
  const wantedTop = wantedScrollTop(plan, list, offsets, viewH, refs.scrollTop.value);
  const win = computeWindow({ offsets, scrollTop: wantedTop, viewportHeight: viewH, overscan: OVERSCAN });
  const handlers = scrollHandlers(refs, input, offsets);

  useLayoutEffect(() => {
    refs.memo.current = plan;
    const el = refs.scroller.current;
    if (!el) return;
    observe(el);
    settleScroll(el, refs, wantedTop, input.newerPending, handlers.onScroll);
    syncView(refs);
    if (input.focusId && list.some((m) => m.id === input.focusId)) {
      showFocus(el, input.focusId, highlighted);
      input.onFocused();
    }
  });

  return { ...handlers, scrollerRef: refs.scroller, win, view: refs.followView.value, highlighted: highlighted.value };
}

function dispatch(refs: ScrollRefs, event: FollowEvent): void {
  const memo = refs.memo.current;
  refs.memo.current = { ...memo, follow: followReducer(memo.follow, event) };
}

function syncView(refs: ScrollRefs): void {
  const follow = refs.memo.current.follow;
  if (refs.followView.peek() !== follow) refs.followView.value = follow;
}

function moveTo(el: HTMLElement, refs: ScrollRefs, top: number): void {
  el.scrollTop = top;
  refs.setByList.current = el.scrollTop;
  refs.previousTop.current = el.scrollTop;
}

/** After a render: put the viewport where the plan wants it, unless the reader moved it meanwhile. */
function settleScroll(
  el: HTMLElement,
  refs: ScrollRefs,
  wantedTop: number,
  newerPending: boolean,
  onScroll: () => void,
): void {
  // A scroll the list has not heard of yet (a script, or a key or wheel the browser applied before this render) is
  // the reader's: read it first, and do not move the list back to where this render computed it.
  let readerMoved = false;
  if (Math.abs(el.scrollTop - refs.previousTop.current) > 1) {
    onScroll();
    readerMoved = !refs.memo.current.follow.following;
  }
  if (!readerMoved && Math.abs(el.scrollTop - wantedTop) > 1) moveTo(el, refs, wantedTop);
  const gap = () => el.scrollHeight - el.clientHeight - el.scrollTop;
  // At the bottom (or nothing to scroll): following, whatever moved the list there.
  if (!refs.memo.current.follow.following && !newerPending && gap() <= STICK_PX) dispatch(refs, { type: 'open' });
  // Following: whatever the estimate said, end at the real bottom (the browser clamps the excess).
  if (refs.memo.current.follow.following && gap() > 1) moveTo(el, refs, el.scrollHeight);
}

/** Focuses the search hit and highlights it for a few seconds. */
function showFocus(el: HTMLElement, id: string, highlighted: Signal<string | null>): void {
  highlighted.value = id;
  el.querySelector<HTMLElement>(`[data-id="${id}"] article`)?.focus({ preventScroll: true });
  setTimeout(() => {
    if (highlighted.peek() === id) highlighted.value = null;
  }, FOCUS_HIGHLIGHT_MS);
}

function scrollHandlers(refs: ScrollRefs, input: VirtualScrollInput, offsets: Float64Array) {
  const { list, newerPending } = input;
  const onScroll = () => {
    const el = refs.scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    const bottomGap = el.scrollHeight - (top + el.clientHeight);
    const set = refs.setByList.current;
    const byList = set !== null && Math.abs(set - top) <= 2;
    refs.setByList.current = null;
    const previousTop = refs.previousTop.current;
    if (!newerPending) dispatch(refs, { type: 'scroll', top, previousTop, bottomGap, byList, stickPx: STICK_PX });
    refs.previousTop.current = top;
    syncView(refs);
    if (list.length > 0) {
      const i = indexAt(offsets, top);
      refs.memo.current = { ...refs.memo.current, anchor: { id: list[i]!.id, delta: top - offsets[i]! } };
    }
    refs.scrollTop.value = top;
    if (top < LOAD_PAGE_PX) input.onNearEdge('older');
    if (bottomGap < LOAD_PAGE_PX && newerPending) input.onNearEdge('newer');
  };
  const leaveBottom = () => {
    dispatch(refs, { type: 'intent-up' });
    syncView(refs);
  };
  return {
    onScroll,
    onWheel: (e: WheelEvent) => {
      if (e.deltaY < 0) leaveBottom();
    },
    onKeyDown: (e: KeyboardEvent) => {
      if (UP_KEYS.has(e.key) && e.target === e.currentTarget) leaveBottom();
    },
    // A finger dragging the list: what it does is the reader's, so the next upward move leaves the bottom.
    onTouchMove: () => {
      refs.setByList.current = null;
    },
    followAgain: () => {
      dispatch(refs, { type: 'open' });
      syncView(refs);
    },
  };
}
