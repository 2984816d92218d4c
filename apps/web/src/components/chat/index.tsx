/** The chat view: header (title, model picker, settings), unavailable banner, message list, composer. */
import { useEffect } from 'preact/hooks';
import { authMode, currentUser, logout } from '../../models/auth.js';
import { busy, stopReply } from '../../models/chat.js';
import { currentSession } from '../../models/sessions.js';
import { openSettings, settingsOpen, closeSettings } from '../../models/settings.js';
import { Composer } from '../composer/index.js';
import { MessageList } from '../message-list/index.js';
import { ModelPicker } from '../model-picker/index.js';
import { SettingsPanel } from '../settings-panel/index.js';
import { UnavailableBanner } from '../unavailable-banner/index.js';

export function ChatView() {
  const session = currentSession.value;
  useEffect(() => {
    // Esc stops a reply from anywhere on the page, not only from the message box.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && busy.value && !e.defaultPrevented) stopReply();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <main class="chat" aria-labelledby="chat-title">
      <header class="chat-header">
        <h1 id="chat-title" class="chat-title">
          {session ? session.title || 'Untitled chat' : 'New chat'}
        </h1>
        <ModelPicker />
        <button
          type="button"
          class="icon"
          aria-label="Chat settings"
          aria-expanded={settingsOpen.value}
          data-testid="settings-button"
          onClick={() => (settingsOpen.value ? closeSettings() : openSettings())}
        >
          ⚙
        </button>
        {authMode.value === 'cookie' && (
          <button type="button" class="link" onClick={() => void logout()}>
            Sign out{currentUser.value ? ` ${currentUser.value.username}` : ''}
          </button>
        )}
      </header>
      <UnavailableBanner />
      <div class="chat-body">
        <div class="chat-column">
          <MessageList />
          <Composer />
        </div>
        {settingsOpen.value && <SettingsPanel />}
      </div>
    </main>
  );
}
