/** Sidebar: new chat, search, sessions grouped by date with rename, pin, archive and delete (with undo). */
import type { ChatSession } from '@chat-studio/protocol';
import { newChat, openSession } from '../../models/app.js';
import { closeSidebar, sidebarFocusId, sidebarOpen } from '../../models/layout.js';
import { rovingIndex } from '../../lib/shortcuts.js';
import { searchQuery } from '../../models/search.js';
import {
  currentSessionId,
  deleteSession,
  loadSessions,
  renameSession,
  renamingId,
  sessionGroups,
  sessionsCursor,
  sessionsError,
  sessionsLoading,
  setShowArchived,
  showArchived,
  toggleArchived,
  togglePinned,
} from '../../models/sessions.js';
import {
  ArchiveIcon,
  CloseIcon,
  EditIcon,
  PinIcon,
  PlusIcon,
  TrashIcon,
  UnarchiveIcon,
  UnpinIcon,
} from '../icons/index.js';
import { SearchBox, SearchResults } from '../search/index.js';
import { setTheme, theme, type ThemeChoice } from '../../models/theme.js';
import { shortcutsOpen } from '../../models/shortcuts.js';

function RenameInput({ session }: { session: ChatSession }) {
  return (
    <input
      class="rename-input"
      aria-label="Chat title"
      defaultValue={session.title}
      ref={(el) => el?.focus()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          void renameSession(session.id, e.currentTarget.value);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          renamingId.value = null;
        }
      }}
      onBlur={(e) => {
        if (renamingId.value === session.id) void renameSession(session.id, e.currentTarget.value);
      }}
    />
  );
}

/** Keys on a focused row: F2 rename, P pin, A archive, Delete delete (with undo). */
function onRowKey(e: KeyboardEvent, session: ChatSession): void {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (key === 'F2') renamingId.value = session.id;
  else if (key === 'p') void togglePinned(session.id);
  else if (key === 'a') void toggleArchived(session.id);
  else if (key === 'Delete') {
    // Focus goes to the next row (or the previous one at the end), so the keyboard stays in the list.
    const rows = rowButtons(e.currentTarget);
    const i = rows.indexOf(e.currentTarget as HTMLElement);
    const next = rows[i + 1] ?? rows[i - 1];
    if (next?.dataset.sessionId) sidebarFocusId.value = next.dataset.sessionId;
    deleteSession(session.id);
    requestAnimationFrame(() => next?.focus());
  } else return;
  e.preventDefault();
}

/** The rows' open buttons in the list that holds `from`, in order. */
function rowButtons(from: EventTarget | null): HTMLElement[] {
  const nav = (from as HTMLElement | null)?.closest('.session-nav');
  return nav ? [...nav.querySelectorAll<HTMLElement>('.session-open')] : [];
}

/** Arrow keys move between rows: the list is one Tab stop (a roving tabindex). */
function onListKey(e: KeyboardEvent): void {
  const target = e.target as HTMLElement;
  if (!target.classList.contains('session-open') || e.altKey || e.ctrlKey || e.metaKey) return;
  const rows = rowButtons(target);
  const next = rovingIndex(e.key, rows.indexOf(target), rows.length);
  if (next === null) return;
  e.preventDefault();
  const row = rows[next]!;
  sidebarFocusId.value = row.dataset.sessionId ?? null;
  row.focus();
}

function SessionItem({ session, active, tabbable }: { session: ChatSession; active: boolean; tabbable: boolean }) {
  const title = session.title || 'Untitled chat';
  const renaming = renamingId.value === session.id;
  return (
    <li
      class={`session${active ? ' active' : ''}`}
      data-testid="session-item"
      data-session-id={session.id}
      data-pinned={session.pinned ? 'true' : 'false'}
    >
      {renaming ? (
        <RenameInput session={session} />
      ) : (
        <button
          type="button"
          class="session-open"
          data-session-id={session.id}
          tabIndex={tabbable ? 0 : -1}
          title={title}
          aria-current={active ? 'page' : undefined}
          aria-describedby="session-keys-help"
          onClick={() => openSession(session.id)}
          onFocus={() => (sidebarFocusId.value = session.id)}
          onDblClick={() => (renamingId.value = session.id)}
          onKeyDown={(e) => onRowKey(e, session)}
        >
          {session.pinned && <PinIcon size={14} class="pinned-mark" />}
          <span class="session-title">{title}</span>
        </button>
      )}
      <div class="session-actions">
        <button
          type="button"
          class="icon"
          tabIndex={-1}
          data-action="rename"
          aria-label={`Rename ${title}`}
          title="Rename (F2)"
          onClick={() => (renamingId.value = session.id)}
        >
          <EditIcon />
        </button>
        <button
          type="button"
          class="icon"
          tabIndex={-1}
          data-action="pin"
          aria-label={`${session.pinned ? 'Unpin' : 'Pin'} ${title}`}
          aria-pressed={session.pinned}
          title={session.pinned ? 'Unpin (P)' : 'Pin (P)'}
          onClick={() => void togglePinned(session.id)}
        >
          {session.pinned ? <UnpinIcon /> : <PinIcon />}
        </button>
        <button
          type="button"
          class="icon"
          tabIndex={-1}
          data-action="archive"
          aria-label={`${session.archived ? 'Unarchive' : 'Archive'} ${title}`}
          title={session.archived ? 'Unarchive (A)' : 'Archive (A)'}
          onClick={() => void toggleArchived(session.id)}
        >
          {session.archived ? <UnarchiveIcon /> : <ArchiveIcon />}
        </button>
        <button
          type="button"
          class="icon danger"
          tabIndex={-1}
          data-action="delete"
          aria-label={`Delete ${title}`}
          title="Delete (Delete key)"
          onClick={() => deleteSession(session.id)}
        >
          <TrashIcon />
        </button>
      </div>
    </li>
  );
}

function SessionList() {
  const groups = sessionGroups.value;
  const current = currentSessionId.value;
  const listed = groups.flatMap((g) => g.sessions.map((s) => s.id));
  // One row is in the Tab order: the one last focused, else the open chat, else the first.
  const wanted = sidebarFocusId.value;
  const tabbableId =
    wanted && listed.includes(wanted) ? wanted : current && listed.includes(current) ? current : (listed[0] ?? null);
  return (
    <nav
      class="session-nav"
      aria-label={showArchived.value ? 'Archived chats' : 'Chats'}
      aria-busy={sessionsLoading.value}
      onKeyDown={onListKey}
    >
      <p id="session-keys-help" class="sr-only">
        Arrow keys move between chats. F2 renames, P pins, A archives, Delete deletes.
      </p>
      {sessionsError.value && (
        <p class="form-error" role="alert">
          Could not load chats: {sessionsError.value}{' '}
          <button type="button" class="link" onClick={() => void loadSessions()}>
            Retry
          </button>
        </p>
      )}
      {groups.length === 0 && !sessionsLoading.value && !sessionsError.value && (
        <p class="muted">{showArchived.value ? 'No archived chats.' : 'No chats yet.'}</p>
      )}
      {groups.map((g) => (
        <section key={g.label} class="session-group" aria-labelledby={`group-${g.label}`}>
          <h2 id={`group-${g.label}`} class="group-label">
            {g.label}
          </h2>
          <ul>
            {g.sessions.map((s) => (
              <SessionItem key={s.id} session={s} active={s.id === current} tabbable={s.id === tabbableId} />
            ))}
          </ul>
        </section>
      ))}
      {sessionsCursor.value && (
        <button type="button" class="link" onClick={() => void loadSessions(true)} disabled={sessionsLoading.value}>
          Load more chats
        </button>
      )}
    </nav>
  );
}

export function Sidebar() {
  const searching = searchQuery.value.trim() !== '';
  return (
    <aside
      id="sidebar"
      class="sidebar"
      aria-label="Chats and search"
      onKeyDown={(e) => {
        // Rename and search use Escape themselves and mark it handled; otherwise it closes the drawer.
        if (e.key === 'Escape' && sidebarOpen.value && !e.defaultPrevented) {
          e.preventDefault();
          closeSidebar();
          document.getElementById('sidebar-toggle')?.focus();
        }
      }}
    >
      <div class="sidebar-top">
        <div class="sidebar-head">
          <button
            type="button"
            class="primary new-chat"
            data-testid="new-chat"
            aria-keyshortcuts="Control+Shift+O Meta+Shift+O"
            title="New chat (Ctrl+Shift+O)"
            onClick={newChat}
          >
            <PlusIcon /> New chat
          </button>
          <button
            type="button"
            class="icon sidebar-close"
            aria-label="Hide chats"
            title="Hide chats"
            onClick={closeSidebar}
          >
            <CloseIcon size={18} />
          </button>
        </div>
        <SearchBox />
      </div>
      {searching ? <SearchResults /> : <SessionList />}
      <div class="sidebar-bottom">
        <label class="toggle">
          <input
            type="checkbox"
            checked={showArchived.value}
            onChange={(e) => setShowArchived(e.currentTarget.checked)}
          />
          Show archived
        </label>
        <div class="sidebar-prefs">
          <label class="theme-choice">
            Theme{' '}
            <select
              data-testid="theme"
              value={theme.value}
              onChange={(e) => setTheme(e.currentTarget.value as ThemeChoice)}
            >
              <option value="system">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <button
            type="button"
            class="link"
            data-testid="shortcuts-button"
            aria-keyshortcuts="?"
            onClick={() => (shortcutsOpen.value = true)}
          >
            Shortcuts (?)
          </button>
        </div>
      </div>
    </aside>
  );
}
