/** Sidebar sessions: paged list, date groups, current session, create, rename, pin, archive, delete with undo. */
import { batch, computed, signal } from '@preact/signals';
import type { ChatSession, CreateSessionRequest, UpdateSessionRequest } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { groupSessions } from '../lib/session-groups.js';
import { createUndoQueue } from '../lib/undo-queue.js';
import { showError, showToast, dismissToast } from './toasts.js';
import { dropStream } from './streams.js';

const PAGE_SIZE = 50;
/** How long a deleted chat can be restored before the DELETE is sent. */
export const UNDO_DELETE_MS = 5000;

/** Loaded sessions of the current list (active or archived), newest activity first. */
export const sessions = signal<ChatSession[]>([]);
export const sessionsCursor = signal<string | null>(null);
export const sessionsLoading = signal(false);
export const sessionsError = signal<string | null>(null);
/** Sidebar shows archived chats instead of active ones. */
export const showArchived = signal(false);
/** Id of the open chat, or `null` for a new, unsaved one. */
export const currentSessionId = signal<string | null>(null);
/** The open chat when it is not in the loaded list (opened from search, or archived). */
const openedSession = signal<ChatSession | null>(null);
/** Id of the session whose title is being edited in place. */
export const renamingId = signal<string | null>(null);
/** Sessions deleted but still restorable; hidden from the list. */
export const pendingDeletes = signal<ReadonlySet<string>>(new Set());
/** Clock for date groups; ticks every minute so "Today" rolls over at midnight. */
export const now = signal(new Date());

/** The open session, if any. */
export const currentSession = computed<ChatSession | null>(() => {
  const id = currentSessionId.value;
  if (!id) return null;
  return sessions.value.find((s) => s.id === id) ?? (openedSession.value?.id === id ? openedSession.value : null);
});

/** Sidebar groups (Pinned, Today, Yesterday, Previous 7 days, Older) without pending deletes. */
export const sessionGroups = computed(() => {
  const hidden = pendingDeletes.value;
  return groupSessions(
    sessions.value.filter((s) => !hidden.has(s.id)),
    now.value,
  );
});

let listToken = 0;

/** Loads the first page of the sidebar (or the next one with `more`). */
export async function loadSessions(more = false): Promise<void> {
  if (more && (!sessionsCursor.value || sessionsLoading.value)) return;
  const token = more ? listToken : ++listToken;
  sessionsLoading.value = true;
  sessionsError.value = null;
  try {
    const page = await api.listSessions({
      limit: PAGE_SIZE,
      archived: showArchived.value,
      cursor: more ? (sessionsCursor.value ?? undefined) : undefined,
    });
    if (token !== listToken) return;
    batch(() => {
      const seen = new Set(more ? sessions.value.map((s) => s.id) : []);
      const fresh = page.items.filter((s) => !seen.has(s.id));
      sessions.value = more ? [...sessions.value, ...fresh] : page.items;
      sessionsCursor.value = page.next_cursor;
    });
  } catch (e) {
    if (token === listToken) sessionsError.value = e instanceof Error ? e.message : String(e);
  } finally {
    if (token === listToken) sessionsLoading.value = false;
  }
}

/** Switches the sidebar between active and archived chats. */
export function setShowArchived(value: boolean): void {
  showArchived.value = value;
  void loadSessions();
}

/** Replaces (or inserts at the top) one session everywhere it is held. */
export function upsertSession(session: ChatSession): void {
  batch(() => {
    const list = sessions.value;
    const i = list.findIndex((s) => s.id === session.id);
    const belongs = session.archived === showArchived.value;
    if (i >= 0) {
      sessions.value = belongs
        ? list.map((s) => (s.id === session.id ? session : s))
        : list.filter((s) => s.id !== session.id);
    } else if (belongs) {
      sessions.value = [session, ...list];
    }
    if (openedSession.value?.id === session.id || currentSessionId.value === session.id) openedSession.value = session;
  });
}

/** Marks a session as just active so it moves to the top of "Today". */
export function touchSession(id: string, at = new Date().toISOString()): void {
  const s = sessions.value.find((x) => x.id === id) ?? (openedSession.value?.id === id ? openedSession.value : null);
  if (s) upsertSession({ ...s, updated_at: at, message_count: s.message_count });
}

/** Opens a session by id, fetching it when it is not in the loaded list. */
export async function selectSession(id: string | null): Promise<void> {
  currentSessionId.value = id;
  if (!id || sessions.value.some((s) => s.id === id)) return;
  try {
    const s = await api.getSession(id);
    if (currentSessionId.value !== id) return;
    // Show it in the sidebar too (it may be newer than the loaded list, or on a page not loaded yet).
    batch(() => {
      openedSession.value = s;
      upsertSession(s);
    });
  } catch (e) {
    showError(e, 'Could not open the chat');
  }
}

/** Creates a session (optionally titled, with settings) and opens it. */
export async function createSession(body: CreateSessionRequest = {}): Promise<ChatSession> {
  const session = await api.createSession(body);
  adoptSession(session);
  return session;
}

async function patch(id: string, body: UpdateSessionRequest, what: string): Promise<ChatSession | null> {
  try {
    const updated = await api.updateSession(id, body);
    upsertSession(updated);
    return updated;
  } catch (e) {
    showError(e, `Could not ${what}`);
    return null;
  }
}

/** Puts a just-created session at the top of the list and opens it. */
export function adoptSession(session: ChatSession): void {
  batch(() => {
    if (showArchived.value) {
      showArchived.value = false;
      void loadSessions();
    }
    upsertSession(session);
    currentSessionId.value = session.id;
  });
}

/** Renames a session; blank titles are ignored. */
export async function renameSession(id: string, title: string): Promise<void> {
  renamingId.value = null;
  const trimmed = title.trim();
  const s = sessions.value.find((x) => x.id === id);
  if (!trimmed || s?.title === trimmed) return;
  await patch(id, { title: trimmed }, 'rename the chat');
}

/** Pins or unpins a session. */
export async function togglePinned(id: string): Promise<void> {
  const s = sessions.value.find((x) => x.id === id) ?? currentSession.value;
  if (s) await patch(id, { pinned: !s.pinned }, s.pinned ? 'unpin the chat' : 'pin the chat');
}

/** Archives or restores a session. */
export async function toggleArchived(id: string): Promise<void> {
  const s = sessions.value.find((x) => x.id === id) ?? currentSession.value;
  if (s) await patch(id, { archived: !s.archived }, s.archived ? 'restore the chat' : 'archive the chat');
}

const deletes = createUndoQueue<ChatSession>({
  delayMs: UNDO_DELETE_MS,
  commit: async (session) => {
    try {
      await api.deleteSession(session.id);
      sessions.value = sessions.value.filter((s) => s.id !== session.id);
      // A reply still streaming into the deleted chat has nowhere to go.
      dropStream(session.id);
    } finally {
      const next = new Set(pendingDeletes.value);
      next.delete(session.id);
      pendingDeletes.value = next;
    }
  },
  onError: (e) => {
    showError(e, 'Could not delete the chat');
  },
});

/** Deletes a session after {@link UNDO_DELETE_MS}; the toast's Undo brings it back before the DELETE is sent. */
export function deleteSession(id: string): void {
  const s = sessions.value.find((x) => x.id === id) ?? currentSession.value;
  if (!s) return;
  batch(() => {
    pendingDeletes.value = new Set([...pendingDeletes.value, id]);
    if (currentSessionId.value === id) currentSessionId.value = null;
  });
  deletes.push(id, s);
  const toastId = showToast({
    message: `Deleted “${s.title || 'Untitled chat'}”`,
    timeoutMs: UNDO_DELETE_MS,
    action: {
      label: 'Undo',
      run: () => {
        dismissToast(toastId);
        if (deletes.undo(id)) {
          const next = new Set(pendingDeletes.value);
          next.delete(id);
          pendingDeletes.value = next;
        }
      },
    },
  });
}

/** Sends pending deletes now (the page is closing). */
export function flushDeletes(): void {
  deletes.flush();
}
