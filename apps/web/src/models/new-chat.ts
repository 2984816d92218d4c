/** A new chat created by its first message: the session is made only when a message is on its way. */
import { batch, signal } from '@preact/signals';
import { deriveTitle } from '@chat-studio/protocol';
import { api } from '../lib/api.js';
import { messagesSessionId } from './messages.js';
import { newChatSettings } from './settings.js';
import { adoptSession } from './sessions.js';

/** The session of a new chat is being created for its first message. */
export const creatingChat = signal(false);

/**
 * Creates the chat for its first message (titled after it, with the new-chat settings) and opens it. Returns its
 * id, or `null` when the server refused (the caller shows why).
 *
 * @example
 * const sessionId = await createChatFor('Plan the trip', (e) => showError(e, 'Could not create the chat'));
 */
export async function createChatFor(content: string, onError: (error: unknown) => void): Promise<string | null> {
  creatingChat.value = true;
  try {
    const session = await api.createSession({ title: deriveTitle(content), settings: newChatSettings.value });
    batch(() => {
      // Mark the messages as loaded first so that opening the new session does not fetch (and wipe) them.
      messagesSessionId.value = session.id;
      newChatSettings.value = {};
      adoptSession(session);
    });
    return session.id;
  } catch (e) {
    onError(e);
    return null;
  } finally {
    creatingChat.value = false;
  }
}
