/** Where a response is stored: a new chat session, or the session of `previous_response_id`. */
import type { ChatMessage, ChatSession } from '@chat-studio/protocol';
import type { ChatStore } from '@chat-studio/chat-store';
import { ID_PATTERN } from '@chat-studio/protocol';
import type { Principal } from '../../../app/app-env.js';
import { ApiError } from '../../../errors/index.js';
import { requireSession } from '../../../ownership/index.js';
import { messageIdOf } from './response-object.js';
import { storedContent, type InputMessage } from './function-items.js';

/** The same 404 for a missing response and another user's: callers must not learn which. */
function responseNotFound(id: string, param = 'previous_response_id'): ApiError {
  return new ApiError('not_found', `Response '${id}' not found`, { param });
}

/** A stored reply the caller owns, by response id; 404 otherwise. */
export async function requireResponse(
  store: ChatStore,
  principal: Principal,
  id: string,
  param = 'previous_response_id',
): Promise<{ session: ChatSession; message: ChatMessage }> {
  const messageId = messageIdOf(id);
  const message =
    messageId && ID_PATTERN.test(messageId) ? await store.messages.get(principal.userId, messageId) : undefined;
  if (message?.role !== 'assistant') throw responseNotFound(id, param);
  const session = await requireSession(store, principal, message.session_id).catch(() => {
    throw responseNotFound(id, param);
  });
  return { session, message };
}

/** Where a turn goes: the session, and the message its history ends at (`null`: a new, empty chat). */
export interface Conversation {
  session: ChatSession;
  leafId: string | null;
}

/**
 * The session and branch the new turn goes into. Without a previous response (see {@link requireResponse}), a new
 * session. With it, that response's session, continuing from that response: when the chat went on after it, the
 * new turn is a sibling branch there (the web app shows it as `‹ 2 / 2 ›`), and nothing stored is changed.
 */
export async function conversationFor(
  store: ChatStore,
  principal: Principal,
  previous: { session: ChatSession; message: ChatMessage } | undefined,
): Promise<Conversation> {
  if (!previous) return { session: await store.sessions.create(principal.userId), leafId: null };
  return { session: previous.session, leafId: previous.message.id };
}

/** Stores the input messages before the last (the last user message is the turn itself) on the branch; returns its new end. */
export async function storeEarlierInput(
  store: ChatStore,
  principal: Principal,
  conversation: Conversation,
  messages: readonly InputMessage[],
): Promise<string | null> {
  let leafId = conversation.leafId;
  for (const m of messages.slice(0, -1)) {
    const content = storedContent(m);
    if (content === '') continue;
    const stored = await store.messages.append(principal.userId, conversation.session.id, {
      role: m.role,
      content,
      parent_id: leafId,
    });
    if (!stored) throw new ApiError('not_found', 'Session not found');
    leafId = stored.id;
  }
  return leafId;
}
