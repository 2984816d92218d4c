/** Sidebar: new chat, search, sessions grouped by date with rename, pin, archive and delete (with undo). */
import type { ChatSession } from '@chat-studio/protocol';
import { newChat, openSession } from '../../models/app.js';
import { closeSidebar, sidebarOpen } from '../../models/layout.js';
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
import { ArchiveIcon, CloseIcon, EditIcon, PinIcon, PlusIcon, TrashIcon, UnarchiveIcon, UnpinIcon } from '../icons/index.js';
import { SearchBox, SearchResults } from '../search/index.js';

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

function SessionItem({ session, active }: { session: ChatSession; active: boolean }) {
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
          aria-current={active ? 'page' : undefined}
          onClick={() => openSession(session.id)}
          onDblClick={() => (renamingId.value = session.id)}
          onKeyDown={(e) => {
            if (e.key === 'F2') {
              e.preventDefault();
              renamingId.value = session.id;
            }
          }}
        >
          {session.pinned && <PinIcon size={14} class="pinned-mark" />}
          <span class="session-title">{title}</span>
        </button>
      )}
      <div class="session-actions">
        <button type="button" class="icon" data-action="rename" aria-label={`Rename ${title}`} title="Rename (F2)" onClick={() => (renamingId.value = session.id)}>
          <EditIcon />
        </button>
        <button
          type="button"
          class="icon"
          data-action="pin"
          aria-label={`${session.pinned ? 'Unpin' : 'Pin'} ${title}`}
          aria-pressed={session.pinned}
          title={session.pinned ? 'Unpin' : 'Pin'}
          onClick={() => void togglePinned(session.id)}
        >
          {session.pinned ? <UnpinIcon /> : <PinIcon />}
        </button>
        <button
          type="button"
          class="icon"
          data-action="archive"
          aria-label={`${session.archived ? 'Unarchive' : 'Archive'} ${title}`}
          title={session.archived ? 'Unarchive' : 'Archive'}
          onClick={() => void toggleArchived(session.id)}
        >
          {session.archived ? <UnarchiveIcon /> : <ArchiveIcon />}
        </button>
        <button type="button" class="icon danger" data-action="delete" aria-label={`Delete ${title}`} title="Delete" onClick={() => deleteSession(session.id)}>
          <TrashIcon />
        </button>
      </div>
    </li>
  );
}

function SessionList() {
  const groups = sessionGroups.value;
  const current = currentSessionId.value;
  return (
    <nav class="session-nav" aria-label={showArchived.value ? 'Archived chats' : 'Chats'} aria-busy={sessionsLoading.value}>
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
              <SessionItem key={s.id} session={s} active={s.id === current} />
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
          <button type="button" class="primary new-chat" data-testid="new-chat" onClick={newChat}>
            <PlusIcon /> New chat
          </button>
          <button type="button" class="icon sidebar-close" aria-label="Hide chats" title="Hide chats" onClick={closeSidebar}>
            <CloseIcon size={18} />
          </button>
        </div>
        <SearchBox />
      </div>
      {searching ? <SearchResults /> : <SessionList />}
      <div class="sidebar-bottom">
        <label class="toggle">
          <input type="checkbox" checked={showArchived.value} onChange={(e) => setShowArchived(e.currentTarget.checked)} />
          Show archived
        </label>
      </div>
    </aside>
  );
}
