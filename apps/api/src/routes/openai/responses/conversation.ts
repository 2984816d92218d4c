/** Where a response is stored: a new chat session, or the session of `previous_response_id`. */
import type { ChatMessage, ChatSession } from '@chat-studio/protocol';
import type { ChatStore } from '@chat-studio/chat-store';
import { ID_PATTERN } from '@chat-studio/protocol';
import type { Principal } from '../../../app/app-env.js';
import { ApiError } from '../../../errors/index.js';
import { requireSession } from '../../../ownership/index.js';
import { messageIdOf } from './response-object.js';
import type { InputMessage } from './request.js';

/** Messages copied per page when a conversation is continued from an earlier response. */
const COPY_PAGE = 200;

/** The same 404 for a missing response and another user's: callers must not learn which. */
function responseNotFound(id: string): ApiError {
  return new ApiError('not_found', `Response '${id}' not found`, { param: 'previous_response_id' });
}

/** A stored reply the caller owns, by response id; 404 otherwise. */
export async function requireResponse(store: ChatStore, principal: Principal, id: string, param = 'previous_response_id'): Promise<{ session: ChatSession; message: ChatMessage }> {
  const messageId = messageIdOf(id);
  const message = messageId && ID_PATTERN.test(messageId) ? await store.messages.get(principal.userId, messageId) : undefined;
  if (!message || message.role !== 'assistant') throw new ApiError('not_found', `Response '${id}' not found`, { param });
  const session = await requireSession(store, principal, message.session_id).catch(() => {
    throw responseNotFound(id);
  });
  return { session, message };
}

/**
 * The session the new turn goes into. Without `previousResponseId`, a new one. With it, that response's session when
 * the response is its newest message; else (the conversation went on after it) a new session holding a copy of the
 * conversation up to that response, so the earlier branch is continued and nothing stored is changed.
 */
export async function conversationFor(store: ChatStore, principal: Principal, previousResponseId: string | undefined): Promise<ChatSession> {
  const userId = principal.userId;
  if (!previousResponseId) return store.sessions.create(userId);
  const { session, message } = await requireResponse(store, principal, previousResponseId);
  const newest = await store.messages.list(userId, session.id, { order: 'desc', limit: 1 });
  if (newest?.items[0]?.id === message.id) return session;
  const copy = await store.sessions.create(userId, { title: session.title, settings: session.settings });
  let cursor: string | undefined;
  for (;;) {
    const page = await store.messages.list(userId, session.id, { order: 'asc', limit: COPY_PAGE, ...(cursor ? { cursor } : {}) });
    if (!page) throw responseNotFound(previousResponseId);
    for (const m of page.items) {
      await store.messages.append(userId, copy.id, {
        role: m.role,
        content: m.content,
        status: m.status,
        model_id: m.model_id,
        prompt_tokens: m.prompt_tokens,
        completion_tokens: m.completion_tokens,
        finish_reason: m.finish_reason,
      });
      if (m.id === message.id) return copy;
    }
    if (!page.next_cursor) return copy;
    cursor = page.next_cursor;
  }
}

/** Stores the input messages before the last (the last user message is the turn itself). */
export async function storeEarlierInput(store: ChatStore, principal: Principal, session: ChatSession, messages: readonly InputMessage[]): Promise<void> {
  for (const m of messages.slice(0, -1)) {
    if (m.content === '') continue;
    const stored = await store.messages.append(principal.userId, session.id, { role: m.role, content: m.content });
    if (!stored) throw new ApiError('not_found', 'Session not found');
  }
}
