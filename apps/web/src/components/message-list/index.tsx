/**
 * Virtualized message list: heights are measured (ResizeObserver) and cached per message id, only the visible
 * messages plus overscan are in the DOM, older pages load on scroll up without moving what the reader sees (and
 * newer ones on scroll down, when the chat was opened at a search hit above its newest messages).
 */
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { computeOffsets, computeWindow, estimateHeight, indexAt } from '../../lib/virtual-list.js';
import { addedAfter, FOLLOWING, followReducer, type FollowEvent, type FollowState } from '../../lib/follow.js';
import { plural } from '../../lib/plural.js';
import { busy, replyErrors, streamingMessageId } from '../../models/reply-status.js';
import { editingMessageId } from '../../models/chat-draft.js';
import {
  focusMessageId,
  jumpToNewest,
  loadingMessages,
  loadingNewer,
  loadingOlder,
  loadNewer,
  loadOlder,
  messages,
  messagesError,
  newerCursor,
  olderCursor,
  openCount,
  sendCount,
} from '../../models/messages.js';
import { ArrowDownIcon } from '../icons/index.js';
import { MessageItem } from '../message/index.js';

const OVERSCAN = 5;
/** Start loading the next older (newer) page this close to the top (bottom). */
const LOAD_OLDER_PX = 800;
/** Distance from the bottom that still counts as "following the conversation". */
const STICK_PX = 48;
const FOCUS_HIGHLIGHT_MS = 4000;
/** Keys that scroll the list up when it has focus: the reader is leaving the bottom. */
const UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

interface Anchor {
  id: string;
  /** Scroll position minus the top of the anchor message. */
  delta: number;
}

export function MessageList() {
  const list = messages.value;
  const streamingId = streamingMessageId.value;
  const editingId = editingMessageId.value;
  const errors = replyErrors.value;
  const isBusy = busy.value;
  const opened = openCount.value;
  const sent = sendCount.value;
  const focusRequest = focusMessageId.value;
  // The newest messages are not loaded yet: the bottom is not "the end of the chat", so never stick to it.
  // Edit and regenerate work anywhere: they add a branch and never rewrite the end of the chat.
  const newerPending = newerCursor.value !== null;

  const scrollerRef = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const observed = useRef(new Set<Element>());
  const observer = useRef<ResizeObserver | null>(null);
  const follow = useRef<FollowState>(FOLLOWING);
  /** What the "Newest" button shows; synced from `follow` after each render and scroll. */
  const followView = useSignal<FollowState>(FOLLOWING);
  const anchor = useRef<Anchor | null>(null);
  const lastOpen = useRef(-1);
  const lastSend = useRef(-1);
  const lastId = useRef<string | null>(null);
  const lastStreamingId = useRef<string | null>(null);
  /** The scroll position the list set itself last; a scroll event there is not the reader's. */
  const setByList = useRef<number | null>(null);
  const previousTop = useRef(0);
  const scrollTop = useSignal(0);
  const viewport = useSignal(0);
  const measured = useSignal(0);
  const highlighted = useSignal<string | null>(null);
  const dispatch = (event: FollowEvent) => {
    follow.current = followReducer(follow.current, event);
  };
  const syncView = () => {
    if (followView.peek() !== follow.current) followView.value = follow.current;
  };

  const version = measured.value;
  const offsets = useMemo(
    () => computeOffsets(list.map((m) => heights.current.get(m.id) ?? estimateHeight(m.content))),
    [list, version],
  );
  const total = offsets[list.length] ?? 0;
  const viewH = viewport.value || 800;

  // Messages that arrived below since the last render count on the "Newest" button while scrolled up.
  dispatch({ type: 'appended', added: addedAfter(list, lastId.current) });
  lastId.current = list.length ? list[list.length - 1]!.id : null;
  // A reply that finished while the reader was scrolled up is new to them too.
  if (lastStreamingId.current !== null && streamingId === null) dispatch({ type: 'appended', added: 1 });
  lastStreamingId.current = streamingId;
  if (opened !== lastOpen.current) {
    lastOpen.current = opened;
    dispatch({ type: 'open' });
    anchor.current = null;
  }
  if (sent !== lastSend.current) {
    // The first render only records the count: mounting is not a send.
    if (lastSend.current >= 0) dispatch({ type: 'send' });
    lastSend.current = sent;
  }
  if (focusRequest) {
    const i = list.findIndex((m) => m.id === focusRequest);
    if (i >= 0) {
      dispatch({ type: 'intent-up' });
      anchor.current = { id: focusRequest, delta: -Math.round(viewH * 0.25) };
    }
  }
  // The newest messages are not loaded: the bottom of the list is not the end of the chat.
  if (newerPending) dispatch({ type: 'intent-up' });

  // Where the viewport should be after this render: bottom when following, else where the anchor message is now.
  let wantedTop = scrollTop.value;
  if (follow.current.following) wantedTop = Math.max(0, total - viewH);
  else if (anchor.current) {
    const i = list.findIndex((m) => m.id === anchor.current!.id);
    if (i >= 0) wantedTop = Math.max(0, Math.min(total - viewH, offsets[i]! + anchor.current.delta));
  }
  const win = computeWindow({ offsets, scrollTop: wantedTop, viewportHeight: viewH, overscan: OVERSCAN });

  useLayoutEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    observer.current ??= new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const target = entry.target as HTMLElement;
        if (target === scrollerRef.current) {
          viewport.value = target.clientHeight;
          continue;
        }
        const id = target.dataset.id;
        if (!id || !target.isConnected) continue;
        const h = entry.borderBoxSize?.[0]?.blockSize ?? target.getBoundingClientRect().height;
        if (h > 0 && Math.abs((heights.current.get(id) ?? -1) - h) > 0.5) {
          heights.current.set(id, h);
          changed = true;
        }
      }
      if (changed) measured.value++;
    });
    const ro = observer.current;
    if (!observed.current.has(el)) {
      ro.observe(el);
      observed.current.add(el);
      viewport.value = el.clientHeight;
    }
    for (const item of observed.current) {
      if (item !== el && !item.isConnected) {
        ro.unobserve(item);
        observed.current.delete(item);
      }
    }
    for (const item of el.querySelectorAll<HTMLElement>('[data-virtual-item]')) {
      if (!observed.current.has(item)) {
        ro.observe(item);
        observed.current.add(item);
      }
    }
    // A scroll the list has not heard of yet (a script, or a key or wheel the browser applied before this render) is
    // the reader's: read it first, and do not move the list back to where this render computed it.
    let readerMoved = false;
    if (Math.abs(el.scrollTop - previousTop.current) > 1) {
      onScroll();
      readerMoved = !follow.current.following;
    }
    if (!readerMoved && Math.abs(el.scrollTop - wantedTop) > 1) {
      el.scrollTop = wantedTop;
      setByList.current = el.scrollTop;
      previousTop.current = el.scrollTop;
    }
    // At the bottom (or nothing to scroll): following, whatever moved the list there.
    if (!follow.current.following && !newerPending && el.scrollHeight - el.clientHeight - el.scrollTop <= STICK_PX)
      dispatch({ type: 'open' });
    // Following: whatever the estimate said, end at the real bottom (the browser clamps the excess).
    if (follow.current.following && el.scrollHeight - el.clientHeight - el.scrollTop > 1) {
      el.scrollTop = el.scrollHeight;
      setByList.current = el.scrollTop;
      previousTop.current = el.scrollTop;
    }
    syncView();
    if (focusRequest && list.some((m) => m.id === focusRequest)) {
      highlighted.value = focusRequest;
      focusMessageId.value = null;
      const node = el.querySelector<HTMLElement>(`[data-id="${focusRequest}"] article`);
      node?.focus({ preventScroll: true });
      setTimeout(() => {
        if (highlighted.peek() === focusRequest) highlighted.value = null;
      }, FOCUS_HIGHLIGHT_MS);
    }
  });

  useLayoutEffect(
    () => () => {
      observer.current?.disconnect();
    },
    [],
  );

  const onScroll = () => {
    const el = scrollerRef.current;
    if (!el) return;
    const top = el.scrollTop;
    const bottomGap = el.scrollHeight - (top + el.clientHeight);
    const byList = setByList.current !== null && Math.abs(setByList.current - top) <= 2;
    setByList.current = null;
    if (!newerPending)
      dispatch({ type: 'scroll', top, previousTop: previousTop.current, bottomGap, byList, stickPx: STICK_PX });
    previousTop.current = top;
    syncView();
    if (list.length > 0) {
      const i = indexAt(offsets, top);
      anchor.current = { id: list[i]!.id, delta: top - offsets[i]! };
    }
    scrollTop.value = top;
    if (top < LOAD_OLDER_PX && olderCursor.value && !loadingOlder.value) void loadOlder();
    if (bottomGap < LOAD_OLDER_PX && newerPending && !loadingNewer.value) void loadNewer();
  };

  const onWheel = (e: WheelEvent) => {
    if (e.deltaY < 0) {
      dispatch({ type: 'intent-up' });
      syncView();
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (UP_KEYS.has(e.key) && e.target === e.currentTarget) {
      dispatch({ type: 'intent-up' });
      syncView();
    }
  };
  const onNewest = () => {
    dispatch({ type: 'open' });
    syncView();
    jumpToNewest();
  };

  const focusedId = highlighted.value;
  const view = followView.value;
  return (
    <div
      class="message-scroller"
      ref={scrollerRef}
      onScroll={onScroll}
      onWheel={onWheel}
      onKeyDown={onKeyDown}
      onTouchMove={() => {
        // A finger dragging the list: what it does is the reader's, so the next upward move leaves the bottom.
        setByList.current = null;
      }}
      data-following={view.following ? 'true' : 'false'}
      data-testid="message-list"
      data-count={list.length}
      role="log"
      aria-label="Messages"
      aria-busy={loadingMessages.value || loadingOlder.value || loadingNewer.value}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable)
      tabIndex={0}
    >
      {loadingOlder.value && (
        <div class="list-note" role="status">
          Loading older messages…
        </div>
      )}
      {messagesError.value && (
        <div class="list-note form-error" role="alert">
          Could not load messages: {messagesError.value}
        </div>
      )}
      {list.length === 0 && !loadingMessages.value && !messagesError.value && (
        <div class="empty-chat">
          <h2>How can I help?</h2>
          <p class="muted">Type a message below. Enter sends, Shift+Enter starts a new line, Esc stops a reply.</p>
        </div>
      )}
      <div class="message-track" style={{ paddingTop: `${win.padTop}px`, paddingBottom: `${win.padBottom}px` }}>
        {list.slice(win.start, win.end).map((m, k) => (
          <div key={m.id} data-virtual-item="" data-id={m.id} data-index={win.start + k}>
            <MessageItem
              message={m}
              streaming={m.id === streamingId}
              focused={m.id === focusedId}
              editing={m.id === editingId}
              canRegenerate={m.role === 'assistant' && !m.id.startsWith('local-') && m.id !== streamingId}
              busy={isBusy}
              error={errors[m.id]}
            />
          </div>
        ))}
      </div>
      {loadingNewer.value && (
        <div class="list-note" role="status">
          Loading newer messages…
        </div>
      )}
      {list.length > 0 && (newerPending || !view.following) && (
        <div class="jump-newest-dock">
          <button
            type="button"
            class="jump-newest"
            data-testid="jump-newest"
            data-unseen={view.unseen}
            onClick={onNewest}
            title="Jump to the newest messages"
            aria-label={
              view.unseen > 0 ? `Newest: ${plural(view.unseen, 'new message')}` : 'Jump to the newest messages'
            }
          >
            <ArrowDownIcon /> Newest
            {view.unseen > 0 && <span class="unseen-count">{view.unseen}</span>}
          </button>
        </div>
      )}
    </div>
  );
}
