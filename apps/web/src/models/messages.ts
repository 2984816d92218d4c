/**
 * Messages of the open chat's current branch: newest page first, older pages on demand, opening at a search hit
 * (on the branch it belongs to), and flipping between versions of a message (`‹ 2 / 3 ›`).
 */
import { batch, signal } from '@preact/signals';
import { ChatApiError, type ChatMessage } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { branchChanged } from './prepare.js';
import { withStreamMessages } from './streams.js';

/** Messages in a page request; the API caps it at 200. */
export const MESSAGE_PAGE_SIZE = 60;
/** Messages in the page opened around a search hit: enough to fill the view on both sides of it. */
export const FOCUS_PAGE_SIZE = 100;

/** Messages of the open chat, oldest first. Local placeholders have ids starting with `local-`. */
export const messages = signal<ChatMessage[]>([]);
/** Session whose messages are loaded. */
export const messagesSessionId = signal<string | null>(null);
/** Cursor for the next older page; `null` when the oldest message is loaded. */
export const olderCursor = signal<string | null>(null);
/**
 * Cursor for the next newer page; `null` when the newest message is loaded, which is always the case
 * except after opening at a search hit, until the reader scrolls down to the end.
 */
export const newerCursor = signal<string | null>(null);
export const loadingMessages = signal(false);
export const loadingOlder = signal(false);
export const loadingNewer = signal(false);
export const messagesError = signal<string | null>(null);
/** Message to scroll to and highlight (a search hit); cleared by the list after it scrolled. */
export const focusMessageId = signal<string | null>(null);
/** Bumped on every open so the list knows to jump to the bottom (or the focus). */
export const openCount = signal(0);
/** Bumped when the user sends: the list brings the new message into view and follows the reply, wherever it was. */
export const sendCount = signal(0);

let token = 0;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Clears the view for a new, unsaved chat. */
export function clearMessages(): void {
  token++;
  batch(() => {
    messages.value = [];
    messagesSessionId.value = null;
    olderCursor.value = null;
    newerCursor.value = null;
    loadingMessages.value = false;
    loadingOlder.value = false;
    loadingNewer.value = false;
    messagesError.value = null;
    focusMessageId.value = null;
    openCount.value++;
  });
}

/**
 * Loads the newest page of a session (order=desc) and shows it; with `focusId`, loads the page around that
 * message instead (one request however deep it is) and asks the list to scroll to it.
 */
export async function openMessages(sessionId: string, focusId: string | null = null): Promise<void> {
  if (messagesSessionId.value === sessionId && !loadingMessages.value && !messagesError.value) {
    if (focusId && messages.value.some((m) => m.id === focusId)) {
      focusMessageId.value = focusId;
      return;
    }
    if (!focusId) return;
  }
  await load(sessionId, focusId);
}

async function load(sessionId: string, focusId: string | null): Promise<void> {
  const mine = ++token;
  batch(() => {
    messages.value = [];
    messagesSessionId.value = sessionId;
    olderCursor.value = null;
    newerCursor.value = null;
    loadingMessages.value = true;
    loadingOlder.value = false;
    loadingNewer.value = false;
    messagesError.value = null;
    focusMessageId.value = null;
  });
  try {
    // A hit on another branch opens that branch: it becomes the chat's current one, so the next message follows it.
    if (focusId && (await api.switchBranch(sessionId, focusId).catch(notFoundAsNull))) branchChanged();
    if (mine !== token) return;
    // A hit deleted since the search answered is a 404: the chat then opens at its newest messages.
    const around = focusId
      ? await api.listMessagesAround(sessionId, focusId, { limit: FOCUS_PAGE_SIZE }).catch(notFoundAsNull)
      : null;
    if (mine !== token) return;
    if (around) {
      batch(() => {
        messages.value = withNewest(sessionId, around.items, around.newer_cursor);
        olderCursor.value = around.older_cursor;
        newerCursor.value = around.newer_cursor;
        focusMessageId.value = focusId;
        openCount.value++;
      });
      return;
    }
    const page = await api.listMessages(sessionId, { order: 'desc', limit: MESSAGE_PAGE_SIZE });
    if (mine !== token) return;
    batch(() => {
      messages.value = withStreamMessages(sessionId, page.items.slice().reverse());
      olderCursor.value = page.next_cursor;
      openCount.value++;
    });
  } catch (e) {
    if (mine === token) messagesError.value = errorText(e);
  } finally {
    if (mine === token) loadingMessages.value = false;
  }
}

function notFoundAsNull(e: unknown): null {
  if (e instanceof ChatApiError && e.status === 404) return null;
  throw e;
}

/** A running reply belongs after the newest message, so it joins the list only once the newest is loaded. */
function withNewest(sessionId: string, loaded: ChatMessage[], newer: string | null): ChatMessage[] {
  return newer ? loaded : withStreamMessages(sessionId, loaded);
}

/** Loads the next older page and puts it in front; the list keeps what the reader sees in place. */
export async function loadOlder(): Promise<void> {
  const sessionId = messagesSessionId.value;
  const cursor = olderCursor.value;
  if (!sessionId || !cursor || loadingOlder.value || loadingMessages.value) return;
  const mine = token;
  loadingOlder.value = true;
  try {
    const page = await api.listMessages(sessionId, { order: 'desc', limit: MESSAGE_PAGE_SIZE, cursor });
    if (mine !== token) return;
    const have = new Set(messages.value.map((m) => m.id));
    const older = page.items.filter((m) => !have.has(m.id)).reverse();
    batch(() => {
      messages.value = [...older, ...messages.value];
      olderCursor.value = page.next_cursor;
    });
  } catch (e) {
    if (mine === token) messagesError.value = errorText(e);
  } finally {
    if (mine === token) loadingOlder.value = false;
  }
}

/** Loads the next newer page (after opening at a search hit) and puts it at the end. */
export async function loadNewer(): Promise<void> {
  const sessionId = messagesSessionId.value;
  const cursor = newerCursor.value;
  if (!sessionId || !cursor || loadingNewer.value || loadingMessages.value) return;
  const mine = token;
  loadingNewer.value = true;
  try {
    const page = await api.listMessages(sessionId, { order: 'asc', limit: MESSAGE_PAGE_SIZE, cursor });
    if (mine !== token) return;
    const have = new Set(messages.value.map((m) => m.id));
    const newer = page.items.filter((m) => !have.has(m.id));
    batch(() => {
      messages.value = withNewest(sessionId, [...messages.value, ...newer], page.next_cursor);
      newerCursor.value = page.next_cursor;
    });
  } catch (e) {
    if (mine === token) messagesError.value = errorText(e);
  } finally {
    if (mine === token) loadingNewer.value = false;
  }
}

/**
 * Shows the chat's newest messages: when they are not loaded (the chat was opened at a search hit) their page is
 * loaded in one request, however deep the reader is; else the list scrolls to the end.
 */
export function jumpToNewest(): void {
  const sessionId = messagesSessionId.value;
  if (!sessionId) return;
  if (newerCursor.value) void load(sessionId, null);
  else openCount.value++;
}

/**
 * Appends messages at the end (a new exchange). When the newest messages are not loaded (the chat was
 * opened at a search hit), appending would leave a hole: the chat reopens at its newest page instead,
 * and the running exchange joins it through the stream it belongs to.
 */
export function appendMessages(...added: ChatMessage[]): void {
  const sessionId = messagesSessionId.value;
  if (sessionId && newerCursor.value) {
    void load(sessionId, null);
    return;
  }
  batch(() => {
    messages.value = [...messages.value, ...added];
    sendCount.value++;
  });
}

/**
 * Replaces the message with id `id` (e.g. a placeholder by the stored message). When the list already holds
 * `next.id` (it was fetched while the local copy was on screen), that copy is updated and the local one dropped.
 */
export function replaceMessage(id: string, next: ChatMessage): void {
  const list = messages.value;
  const i = list.findIndex((m) => m.id === id);
  if (i < 0) return;
  const copy = list.slice();
  const j = next.id === id ? -1 : copy.findIndex((m) => m.id === next.id);
  if (j >= 0) {
    copy[j] = next;
    copy.splice(i, 1);
  } else copy[i] = next;
  messages.value = copy;
}

/** Removes messages by id. */
export function removeMessages(ids: ReadonlySet<string>): void {
  messages.value = messages.value.filter((m) => !ids.has(m.id));
}

/** Loads the open chat's current branch again at its newest messages (after a branch changed on the server). */
export function reloadBranch(sessionId: string): Promise<void> {
  return load(sessionId, null);
}

/**
 * Cuts the list where a new branch starts: after `messageId` (`keep`, a regenerated reply's question) or before it
 * (an edited message). What follows is on the old branch, still stored; the new turn is appended after the cut, and
 * the list then ends where the new branch ends, so no newer page is pending.
 */
export function branchAt(messageId: string, keep: boolean): void {
  const i = messages.value.findIndex((m) => m.id === messageId);
  if (i < 0) return;
  batch(() => {
    messages.value = messages.value.slice(0, keep ? i + 1 : i);
    newerCursor.value = null;
  });
}

/**
 * Shows the previous (`-1`) or next (`+1`) version of `message` (`‹ 2 / 3 ›`): that sibling's branch becomes the
 * chat's current one (its newest branch below it), and the list opens at the sibling.
 */
export async function showSibling(message: ChatMessage, delta: -1 | 1): Promise<void> {
  const sessionId = messagesSessionId.value;
  if (!sessionId) return;
  try {
    const { items, position } = await api.siblings(sessionId, message.id);
    const target = items[position - 1 + delta];
    if (!target) return;
    await api.switchBranch(sessionId, target.id);
    branchChanged();
    if (messagesSessionId.value === sessionId) await load(sessionId, target.id);
  } catch (e) {
    messagesError.value = errorText(e);
  }
}
