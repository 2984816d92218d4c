/** Placeholders for a turn's messages, shown until the server's `start` (or `/api/chat/send`) gives the stored ones. */
import type { ChatMessage } from '@chat-studio/protocol';

let localSeq = 0;

/**
 * A message not stored yet: its id starts with `local-` (the list and the actions know not to act on it), a user
 * message is `complete`, a reply `partial` until it is written.
 *
 * @example
 * localMessage(sessionId, 'user', 'Hello').id // 'local-u-1'
 */
export function localMessage(sessionId: string, role: 'user' | 'assistant', content: string): ChatMessage {
  return {
    id: `local-${role[0]}-${++localSeq}`,
    session_id: sessionId,
    parent_id: null,
    role,
    content,
    created_at: new Date().toISOString(),
    status: role === 'user' ? 'complete' : 'partial',
    model_id: null,
    prompt_tokens: null,
    completion_tokens: null,
    time_to_first_token_ms: null,
    tokens_per_second: null,
    finish_reason: null,
  };
}
