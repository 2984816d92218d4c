/**
 * Deleting a message with everything below it (its replies, later turns, other versions under it): the count is
 * asked first and said in the toast, the messages leave the list at once, and the DELETE goes out only after the
 * Undo window, as for a chat.
 */
import type { ChatMessage } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { messages, messagesSessionId, newerCursor, reloadBranch, showSibling } from './messages.js';
import { UNDO_DELETE_MS } from './sessions.js';
import { dismissToast, showError, showToast } from './toasts.js';

interface PendingDelete {
  sessionId: string;
  messageId: string;
  /** The list before and right after the cut, to put back on Undo (when nothing else changed it). */
  before: ChatMessage[];
  after: ChatMessage[];
  newerBefore: string | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  toastId: number;
  sent: Promise<void> | null;
}

/** At most one: a second delete, a send, an edit or a branch switch sends the waiting one first. */
let pending: PendingDelete | null = null;

/** What the toast says: how many messages go, `count` including the message itself. */
export function deletedText(count: number): string {
  if (count <= 1) return 'Deleted 1 message';
  return `Deleted ${count} messages: this one and ${count - 1} below it, on every branch`;
}

function send(entry: PendingDelete): Promise<void> {
  if (entry.sent) return entry.sent;
  clearTimeout(entry.timer);
  entry.sent = (async () => {
    try {
      const res = await api.deleteMessage(entry.sessionId, entry.messageId);
      // The chat now shows the newest branch left under the deleted message's parent: load it when that is not what the list ends with.
      if (
        messagesSessionId.value === entry.sessionId &&
        messages.value === entry.after &&
        (entry.after.at(-1)?.id ?? null) !== res.current_leaf_id
      ) {
        await reloadBranch(entry.sessionId);
      }
    } catch (e) {
      showError(e, 'Could not delete the message');
      if (messagesSessionId.value === entry.sessionId) await reloadBranch(entry.sessionId);
    } finally {
      if (pending === entry) pending = null;
    }
  })();
  return entry.sent;
}

function undo(entry: PendingDelete): void {
  dismissToast(entry.toastId);
  if (entry.sent) return;
  clearTimeout(entry.timer);
  if (pending === entry) pending = null;
  if (messagesSessionId.value !== entry.sessionId) return;
  if (messages.value === entry.after) {
    messages.value = entry.before;
    newerCursor.value = entry.newerBefore;
  } else void reloadBranch(entry.sessionId);
}

/** Sends a delete still waiting for its Undo, and waits for it. */
export async function settleMessageDeletes(): Promise<void> {
  if (pending) await send(pending);
}

/** Sends a waiting delete now without waiting (the page is closing). */
export function flushMessageDeletes(): void {
  if (pending) void send(pending);
}

/** Deletes `message` and everything below it after {@link UNDO_DELETE_MS}; the toast says how many and offers Undo. */
export async function deleteMessage(message: ChatMessage): Promise<void> {
  const sessionId = messagesSessionId.value;
  if (!sessionId || message.id.startsWith('local-')) return;
  await settleMessageDeletes();
  let count: number;
  try {
    count = (await api.countSubtree(sessionId, message.id)).count;
  } catch (e) {
    showError(e, 'Could not delete the message');
    return;
  }
  const before = messages.value;
  const i = before.findIndex((m) => m.id === message.id);
  if (messagesSessionId.value !== sessionId || i < 0) return;
  const after = before.slice(0, i);
  const entry: PendingDelete = {
    sessionId,
    messageId: message.id,
    before,
    after,
    newerBefore: newerCursor.value,
    timer: undefined,
    toastId: 0,
    sent: null,
  };
  // Everything after the message on this branch goes with it, newer pages not yet loaded included.
  messages.value = after;
  newerCursor.value = null;
  entry.toastId = showToast({
    message: deletedText(count),
    timeoutMs: UNDO_DELETE_MS,
    action: { label: 'Undo', run: () => undo(entry) },
  });
  entry.timer = setTimeout(() => void send(entry), UNDO_DELETE_MS);
  pending = entry;
}

/** Flips to another version of a message (`‹ 2 / 3 ›`) once a waiting delete went out. */
export async function flipSibling(message: ChatMessage, delta: -1 | 1): Promise<void> {
  await settleMessageDeletes();
  await showSibling(message, delta);
}
