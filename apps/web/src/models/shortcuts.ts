/** Global keyboard shortcuts (see lib/shortcuts.ts for the list) and the `?` overlay that shows them. */
import { signal } from '@preact/signals';
import { matchShortcut, neighbourId, type ShortcutAction } from '../lib/shortcuts.js';
import { COMPOSER_ID } from '../lib/focus.js';
import { newChat, openSession } from './app.js';
import { currentSessionId, sessionGroups } from './sessions.js';
import { NARROW_MAX_WIDTH, sidebarOpen } from './layout.js';

/** The shortcuts overlay is open. */
export const shortcutsOpen = signal(false);

/** Id of the sidebar's search input. */
export const SEARCH_INPUT_ID = 'search-input';

/** Chats in the order the sidebar shows them. */
function listedIds(): string[] {
  return sessionGroups.value.flatMap((g) => g.sessions.map((s) => s.id));
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || target.matches('input:not([type=checkbox]), textarea, select'))
  );
}

function run(action: ShortcutAction): boolean {
  switch (action) {
    case 'new-chat':
      newChat();
      return true;
    case 'focus-search': {
      // The search box lives in the sidebar, a drawer on narrow screens.
      if (window.matchMedia(`(max-width: ${NARROW_MAX_WIDTH}px)`).matches) sidebarOpen.value = true;
      requestAnimationFrame(() => document.getElementById(SEARCH_INPUT_ID)?.focus());
      return true;
    }
    case 'previous-chat':
    case 'next-chat': {
      const id = neighbourId(listedIds(), currentSessionId.value, action === 'next-chat' ? 1 : -1);
      if (id) openSession(id);
      return true;
    }
    case 'focus-composer':
      document.getElementById(COMPOSER_ID)?.focus();
      return true;
    case 'help':
      shortcutsOpen.value = true;
      return true;
    case 'stop':
      // Escape is handled where it is pressed (panels, editors) and by the chat view (stop the reply).
      return false;
  }
}

let installed = false;

/** Installs the document-wide key handler once. */
export function installShortcuts(): void {
  if (installed) return;
  installed = true;
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.isComposing || shortcutsOpen.value) return;
    const action = matchShortcut(e, isTyping(e.target));
    if (action && run(action)) e.preventDefault();
  });
}
