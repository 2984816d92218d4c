/** Messages of the open chat: newest page first, older pages on demand, and jumping to a search hit. */
import { batch, signal } from '@preact/signals';
import type { ChatMessage } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { withStreamMessages } from './streams.js';

/** Messages in a page request; the API caps it at 200. */
export const MESSAGE_PAGE_SIZE = 60;
/** Most pages walked back to find a search hit before giving up (200 × 60 = 12,000 messages). */
const MAX_FOCUS_PAGES = 60;
const FOCUS_PAGE_SIZE = 200;

/** Messages of the open chat, oldest first. Local placeholders have ids starting with `local-`. */
export const messages = signal<ChatMessage[]>([]);
/** Session whose messages are loaded. */
export const messagesSessionId = signal<string | null>(null);
/** Cursor for the next older page; `null` when the oldest message is loaded. */
export const olderCursor = signal<string | null>(null);
export const loadingMessages = signal(false);
export const loadingOlder = signal(false);
export const messagesError = signal<string | null>(null);
/** Message to scroll to and highlight (a search hit); cleared by the list after it scrolled. */
export const focusMessageId = signal<string | null>(null);
/** Bumped on every open so the list knows to jump to the bottom (or the focus). */
export const openCount = signal(0);

let token = 0;

/** Clears the view for a new, unsaved chat. */
export function clearMessages(): void {
  token++;
  batch(() => {
    messages.value = [];
    messagesSessionId.value = null;
    olderCursor.value = null;
    loadingMessages.value = false;
    loadingOlder.value = false;
    messagesError.value = null;
    focusMessageId.value = null;
    openCount.value++;
  });
}

/**
 * Loads the newest page of a session (order=desc) and shows it; with `focusId`, walks back page by page
 * until that message is loaded, then asks the list to scroll to it.
 */
export async function openMessages(sessionId: string, focusId: string | null = null): Promise<void> {
  if (messagesSessionId.value === sessionId && !loadingMessages.value && !messagesError.value) {
    if (focusId && messages.value.some((m) => m.id === focusId)) {
      focusMessageId.value = focusId;
      return;
    }
    if (!focusId) return;
  }
  const mine = ++token;
  batch(() => {
    messages.value = [];
    messagesSessionId.value = sessionId;
    olderCursor.value = null;
    loadingMessages.value = true;
    loadingOlder.value = false;
    messagesError.value = null;
    focusMessageId.value = null;
  });
  try {
    let page = await api.listMessages(sessionId, { order: 'desc', limit: focusId ? FOCUS_PAGE_SIZE : MESSAGE_PAGE_SIZE });
    if (mine !== token) return;
    let loaded = page.items.slice().reverse();
    let pages = 1;
    while (focusId && !loaded.some((m) => m.id === focusId) && page.next_cursor && pages < MAX_FOCUS_PAGES) {
      page = await api.listMessages(sessionId, { order: 'desc', limit: FOCUS_PAGE_SIZE, cursor: page.next_cursor });
      if (mine !== token) return;
      loaded = [...page.items.slice().reverse(), ...loaded];
      pages++;
    }
    batch(() => {
      messages.value = withStreamMessages(sessionId, loaded);
      olderCursor.value = page.next_cursor;
      focusMessageId.value = focusId && loaded.some((m) => m.id === focusId) ? focusId : null;
      openCount.value++;
    });
  } catch (e) {
    if (mine === token) messagesError.value = e instanceof Error ? e.message : String(e);
  } finally {
    if (mine === token) loadingMessages.value = false;
  }
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
    if (mine === token) messagesError.value = e instanceof Error ? e.message : String(e);
  } finally {
    if (mine === token) loadingOlder.value = false;
  }
}

/** Appends messages at the end (a new exchange). */
export function appendMessages(...added: ChatMessage[]): void {
  messages.value = [...messages.value, ...added];
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
