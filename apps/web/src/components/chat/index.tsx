/** The chat view: header (title, model picker, settings), unavailable banner, message list, composer. */
import { useEffect } from 'preact/hooks';
import { authMode, currentUser, logout } from '../../models/auth.js';
import { stopReply } from '../../models/chat.js';
import { busy } from '../../models/reply-status.js';
import { currentSession } from '../../models/sessions.js';
import { openSettings, settingsOpen, closeSettings } from '../../models/settings.js';
import { Composer } from '../composer/index.js';
import { MenuIcon, SettingsIcon } from '../icons/index.js';
import { sidebarOpen, toggleSidebar } from '../../models/layout.js';
import { MessageList } from '../message-list/index.js';
import { ModelPicker } from '../model-picker/index.js';
import { SETTINGS_BUTTON_ID, SettingsPanel } from '../settings-panel/index.js';
import { UnavailableBanner } from '../unavailable-banner/index.js';
import { ChatExportMenu } from '../transfer/index.js';
import { OfflineBanner } from '../unavailable-banner/offline.js';
import { AttachDropZone } from '../attachments/index.js';

export function ChatView() {
  const session = currentSession.value;
  useEffect(() => {
    // Esc closes the settings panel, else stops the open chat's reply, from anywhere on the page.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (settingsOpen.value) closeSettings();
      else if (busy.value) stopReply();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <main class="chat" aria-labelledby="chat-title">
      <header class="chat-header">
        <button
          type="button"
          id="sidebar-toggle"
          class="icon sidebar-toggle"
          aria-label={sidebarOpen.value ? 'Hide chats' : 'Show chats'}
          title={sidebarOpen.value ? 'Hide chats' : 'Show chats'}
          aria-controls="sidebar"
          aria-expanded={sidebarOpen.value}
          data-testid="sidebar-toggle"
          onClick={() => {
            toggleSidebar();
            // Move focus into the drawer so keyboard users land on its first control.
            if (sidebarOpen.value)
              requestAnimationFrame(() => document.querySelector<HTMLElement>('#sidebar .new-chat')?.focus());
          }}
        >
          <MenuIcon size={18} />
        </button>
        <h1 id="chat-title" class="chat-title">
          {session ? session.title || 'Untitled chat' : 'New chat'}
        </h1>
        <ModelPicker />
        {session && <ChatExportMenu sessionId={session.id} />}
        <button
          type="button"
          id={SETTINGS_BUTTON_ID}
          class="icon"
          aria-label="Chat settings"
          aria-controls="settings-panel"
          title="Chat settings"
          aria-expanded={settingsOpen.value}
          data-testid="settings-button"
          onClick={() => (settingsOpen.value ? closeSettings() : openSettings())}
        >
          <SettingsIcon size={18} />
        </button>
        {authMode.value === 'cookie' && (
          <button type="button" class="link" onClick={() => void logout()}>
            Sign out{currentUser.value ? ` ${currentUser.value.username}` : ''}
          </button>
        )}
      </header>
      <OfflineBanner />
      <UnavailableBanner />
      <div class="chat-body">
        <AttachDropZone>
          <MessageList />
          <Composer />
        </AttachDropZone>
        {settingsOpen.value && <SettingsPanel />}
      </div>
    </main>
  );
}
