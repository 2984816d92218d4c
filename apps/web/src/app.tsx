/** Root component: login page, or sidebar + chat once signed in. */
import { useEffect } from 'preact/hooks';
import { authPhase } from './models/auth.js';
import { startApp } from './models/app.js';
import { closeSidebar, sidebarOpen } from './models/layout.js';
import { Login } from './components/login/index.js';
import { Sidebar } from './components/sidebar/index.js';
import { ChatView } from './components/chat/index.js';
import { Toasts } from './components/toasts/index.js';
import { ImportDropZone } from './components/transfer/index.js';
import { ShortcutsOverlay } from './components/shortcuts-overlay/index.js';
import { AttachmentPreview } from './components/attachment-preview/index.js';
import { installShortcuts, shortcutsOpen } from './models/shortcuts.js';

export function App() {
  const phase = authPhase.value;
  useEffect(() => {
    if (phase !== 'ready') return;
    startApp();
    installShortcuts();
  }, [phase]);

  if (phase === 'checking') {
    return (
      <div class="splash" role="status">
        Loading Chat Studio…
      </div>
    );
  }
  if (phase === 'login') {
    return (
      <>
        <Login />
        <Toasts />
      </>
    );
  }
  return (
    <div class={`layout${sidebarOpen.value ? ' sidebar-open' : ''}`}>
      <a class="skip-link" href="#composer">
        Skip to message box
      </a>
      <Sidebar />
      {sidebarOpen.value && <div class="sidebar-backdrop" aria-hidden="true" onClick={closeSidebar} />}
      <ChatView />
      <ImportDropZone />
      <Toasts />
      {shortcutsOpen.value && <ShortcutsOverlay />}
      <AttachmentPreview />
    </div>
  );
}
