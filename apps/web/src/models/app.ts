/** App start and navigation: loads the sidebar and models, keeps the open chat in the URL hash. */
import { batch, effect } from '@preact/signals';
import type { SearchHit } from '@chat-studio/protocol';
import { clearMessages, messagesSessionId, openMessages } from './messages.js';
import { loadModels } from './models.js';
import { loadLimits } from './limits.js';
import { loadAttachmentLimits, loadUnsentUploads } from './attachments.js';
import { loadSearchSettings, restoreSearchMode } from './meaning-search.js';
import { currentSessionId, flushDeletes, loadSessions, now, selectSession } from './sessions.js';
import { flushMessageDeletes } from './message-deletes.js';
import { cancelEdit } from './chat.js';
import { closeSettings } from './settings.js';
import { closeSidebar } from './layout.js';
import { focusComposer } from '../lib/focus.js';
import { whenReachableAgain } from './connection.js';

/** Opens a chat, optionally scrolled to one message (a search hit). */
export function openSession(id: string, focusMessageId: string | null = null): void {
  batch(() => {
    cancelEdit();
    closeSettings();
    closeSidebar();
    void selectSession(id);
  });
  void openMessages(id, focusMessageId);
  // A search hit takes focus itself (the list focuses the hit); otherwise typing goes to the message box.
  if (!focusMessageId) focusComposer();
}

/** Starts a new, unsaved chat (it is created on the first send). */
export function newChat(): void {
  batch(() => {
    cancelEdit();
    closeSettings();
    closeSidebar();
    void selectSession(null);
    clearMessages();
  });
  focusComposer();
}

/** Opens the chat of a search hit at the hit's message. */
export function openSearchHit(hit: SearchHit): void {
  openSession(hit.session_id, hit.message_id);
}

const HASH = /^#\/c\/([0-9A-HJKMNP-TV-Z]{26})(?:\/m\/([0-9A-HJKMNP-TV-Z]{26}))?$/;

function routeFromHash(): void {
  const match = HASH.exec(location.hash);
  const id = match?.[1] ?? null;
  if (id && (id !== currentSessionId.value || match?.[2])) openSession(id, match?.[2] ?? null);
  else if (!id && currentSessionId.value) newChat();
}

let started = false;

/** Loads everything the app shows; call once the user is signed in (or auth is off). */
export function startApp(): void {
  void loadSessions();
  void loadModels();
  void loadLimits();
  void loadAttachmentLimits();
  void loadUnsentUploads();
  // The signed-in user is known here: their own remembered search mode, and whether they search by meaning.
  restoreSearchMode();
  void loadSearchSettings();
  if (started) return;
  started = true;
  whenReachableAgain(() => {
    void loadSessions();
    void loadModels();
    void loadLimits();
  });
  routeFromHash();
  focusComposer();
  window.addEventListener('hashchange', routeFromHash);
  window.addEventListener('pagehide', flushDeletes);
  window.addEventListener('pagehide', flushMessageDeletes);
  setInterval(() => (now.value = new Date()), 60_000);
  effect(() => {
    const id = currentSessionId.value;
    // The open chat was deleted (or left): show an empty new chat.
    if (!id && messagesSessionId.peek()) clearMessages();
    const hash = id ? `#/c/${id}` : '#/';
    // No chat and no hash is the same place: rewriting "/" to "/#/" would make the browser fetch the favicon again.
    const same =
      location.hash === hash || (!id && location.hash === '') || (id && location.hash.startsWith(`${hash}/`));
    if (!same) history.replaceState(null, '', hash);
  });
}
