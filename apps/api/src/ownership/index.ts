/** Ownership: the one check every route naming a session or message goes through. */
import { ID_PATTERN, type ChatMessage, type ChatSession } from '@chat-studio/protocol';
import type { ChatStore } from '@chat-studio/chat-store';
import { ApiError, sessionNotFound } from '../errors/index.js';
import type { Principal } from '../app/app-env.js';

/**
 * The one ownership check every route that names a session goes through. The store is scoped by
 * user, so another user's session reads exactly like a missing one: same 404, same code path, same work.
 */
export async function requireSession(store: ChatStore, principal: Principal, sessionId: string): Promise<ChatSession> {
  if (!ID_PATTERN.test(sessionId)) throw sessionNotFound();
  const session = await store.sessions.get(principal.userId, sessionId);
  if (!session) throw sessionNotFound();
  return session;
}

/** A message of an owned session; 404 when the message is missing, foreign or in another session. */
export async function requireMessage(
  store: ChatStore,
  principal: Principal,
  sessionId: string,
  messageId: string,
): Promise<{ session: ChatSession; message: ChatMessage }> {
  const session = await requireSession(store, principal, sessionId);
  const message = ID_PATTERN.test(messageId) ? await store.messages.get(principal.userId, messageId) : undefined;
  if (!message || message.session_id !== session.id) throw new ApiError('not_found', 'Message not found');
  return { session, message };
}
