/** A ChatMessage for test fixtures. */
import type { ChatMessage } from '@chat-studio/protocol';

/**
 * A `complete` message with no parent, no text, no statistics and a fixed time; `fields` set the rest.
 *
 * @example
 * chatMessage({ id: 'm1', session_id: 's1', role: 'user', content: 'Hello' })
 */
export function chatMessage(
  fields: Pick<ChatMessage, 'id' | 'session_id' | 'role'> & Partial<ChatMessage>,
): ChatMessage {
  return {
    parent_id: null,
    content: '',
    created_at: '2026-03-15T10:00:00.000Z',
    status: 'complete',
    model_id: null,
    prompt_tokens: null,
    completion_tokens: null,
    time_to_first_token_ms: null,
    tokens_per_second: null,
    finish_reason: null,
    ...fields,
  };
}
