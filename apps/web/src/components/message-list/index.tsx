/**
 * Virtualized message list: heights are measured (ResizeObserver) and cached per message id, only the visible
 * messages plus overscan are in the DOM, older pages load on scroll up without moving what the reader sees (and
 * newer ones on scroll down, when the chat was opened at a search hit above its newest messages). The scrolling is
 * {@link useVirtualScroll}'s; this renders.
 */
import type { ChatMessage } from '@chat-studio/protocol';
import type { VirtualWindow } from '../../lib/virtual-list.js';
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
import { busy, replyErrors, streamingMessageId } from '../../models/reply-status.js';
import { MessageItem } from '../message/index.js';
import { JumpNewest } from './jump-newest.js';
import { useVirtualScroll } from './use-virtual-scroll.js';

/** Loads the next page above or below what is loaded, unless one is on its way or there is none. */
function loadPage(edge: 'older' | 'newer'): void {
  if (edge === 'older' && olderCursor.value && !loadingOlder.value) void loadOlder();
  if (edge === 'newer' && !loadingNewer.value) void loadNewer();
}

export function MessageList() {
  const list = messages.value;
  const streamingId = streamingMessageId.value;
  // The newest messages are not loaded yet: the bottom is not "the end of the chat", so never stick to it.
  const newerPending = newerCursor.value !== null;
  const scroll = useVirtualScroll({
    list,
    streamingId,
    openCount: openCount.value,
    sendCount: sendCount.value,
    focusId: focusMessageId.value,
    newerPending,
    onNearEdge: loadPage,
    onFocused: () => {
      focusMessageId.value = null;
    },
  });
  const { win, view } = scroll;
  return (
    <div
      class="message-scroller"
      ref={scroll.scrollerRef}
      onScroll={scroll.onScroll}
      onWheel={scroll.onWheel}
      onKeyDown={scroll.onKeyDown}
      onTouchMove={scroll.onTouchMove}
      data-following={view.following ? 'true' : 'false'}
      data-testid="message-list"
      data-count={list.length}
      role="log"
      aria-label="Messages"
      aria-busy={loadingMessages.value || loadingOlder.value || loadingNewer.value}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable)
      tabIndex={0}
    >
      <ListNotes empty={list.length === 0} />
      <MessageTrack list={list} win={win} streamingId={streamingId} highlighted={scroll.highlighted} />
      {loadingNewer.value && (
        <div class="list-note" role="status">
          Loading newer messages…
        </div>
      )}
      {list.length > 0 && (newerPending || !view.following) && (
        <JumpNewest
          unseen={view.unseen}
          onClick={() => {
            scroll.followAgain();
            jumpToNewest();
          }}
        />
      )}
    </div>
  );
}

/** Props of {@link MessageTrack}. */
interface MessageTrackProps {
  list: readonly ChatMessage[];
  win: VirtualWindow;
  streamingId: string | null;
  highlighted: string | null;
}

/** The rendered window of messages, padded above and below to the height of the ones left out. */
function MessageTrack({ list, win, streamingId, highlighted }: MessageTrackProps) {
  return (
    <div class="message-track" style={{ paddingTop: `${win.padTop}px`, paddingBottom: `${win.padBottom}px` }}>
      {list.slice(win.start, win.end).map((m, k) => (
        <div key={m.id} data-virtual-item="" data-id={m.id} data-index={win.start + k}>
          <MessageItem
            message={m}
            streaming={m.id === streamingId}
            focused={m.id === highlighted}
            editing={m.id === editingMessageId.value}
            // Edit and regenerate work anywhere: they add a branch and never rewrite the end of the chat.
            canRegenerate={m.role === 'assistant' && !m.id.startsWith('local-') && m.id !== streamingId}
            busy={busy.value}
            error={replyErrors.value[m.id]}
          />
        </div>
      ))}
    </div>
  );
}

/** What stands above the messages: older ones loading, a load error, or the empty chat's welcome. */
function ListNotes({ empty }: { empty: boolean }) {
  return (
    <>
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
      {empty && !loadingMessages.value && !messagesError.value && (
        <div class="empty-chat">
          <h2>How can I help?</h2>
          <p class="muted">Type a message below. Enter sends, Shift+Enter starts a new line, Esc stops a reply.</p>
        </div>
      )}
    </>
  );
}
