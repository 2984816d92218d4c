/** Row to protocol shape: snake_case fields, ISO timestamps, booleans, parsed settings. */
import type { ChatMessage, ChatSession, SessionSettings } from '@chat-studio/protocol';
import type { ChatMessageRow, ChatSessionRow } from './tables/index.js';

/** Recent answers of {@link iso}: a list or page formats the same sessions' timestamps again on every request. */
const isoCache = new Map<number, string>();
const ISO_CACHE_MAX = 4096;

/** Epoch milliseconds to an ISO 8601 string. */
export function iso(ms: number): string {
  // Date#toISOString was 15% of a 20-row session list (issue #18); a Map lookup is a fraction of it.
  let text = isoCache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoCache.size >= ISO_CACHE_MAX) isoCache.clear();
    isoCache.set(ms, text);
  }
  return text;
}

/** A row's settings text as an object; `{}` when it is not a JSON object (a hand-edited row stays readable). */
export function parseSettings(text: string): SessionSettings {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as SessionSettings) : {};
  } catch {
    // A hand-edited row must not make the session unreadable.
    return {};
  }
}

export type SessionRowWithCount = ChatSessionRow & { message_count?: number | null };

/**
 * `JSON.stringify(toChatSession(row))` written straight from the row: no session object, and the usual `{}`
 * settings copied rather than parsed and serialised again (issue #18: the API sends session lists as this text).
 */
export function chatSessionJson(row: SessionRowWithCount): string {
  const settings = row.settings === '{}' ? '{}' : JSON.stringify(parseSettings(row.settings));
  let json = `{"id":${JSON.stringify(row.id)},"title":${JSON.stringify(row.title)},"created_at":${JSON.stringify(iso(row.created_at))},"updated_at":${JSON.stringify(iso(row.updated_at))},"pinned":${row.pinned === 1},"archived":${row.archived === 1},"settings":${settings}`;
  if (row.message_count !== undefined && row.message_count !== null)
    json += `,"message_count":${JSON.stringify(row.message_count)}`;
  if (row.current_leaf_id !== undefined) json += `,"current_leaf_id":${JSON.stringify(row.current_leaf_id)}`;
  return `${json}}`;
}

export function toChatSession(row: SessionRowWithCount): ChatSession {
  const session: ChatSession = {
    id: row.id,
    title: row.title,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    pinned: row.pinned === 1,
    archived: row.archived === 1,
    settings: parseSettings(row.settings),
  };
  if (row.message_count !== undefined && row.message_count !== null) session.message_count = row.message_count;
  if (row.current_leaf_id !== undefined) session.current_leaf_id = row.current_leaf_id;
  return session;
}

/** The message columns the protocol shape needs (no `seq`, no `timestamp`). */
export const MESSAGE_COLUMNS =
  'id, session_id, parent_id, role, content, created_at, status, model_id, prompt_tokens, completion_tokens, time_to_first_token_ms, tokens_per_second, finish_reason';

/** `streaming` is the store's own (search indexing), not part of a message. */
export type MessageRowFields = Omit<ChatMessageRow, 'seq' | 'timestamp' | 'streaming'>;

/** A message row of a branch listing, with where it stands among its siblings. */
export type MessageRowWithSiblings = MessageRowFields & {
  sibling_position?: number | string | null;
  sibling_count?: number | string | null;
};

export function toChatMessage(row: MessageRowWithSiblings): ChatMessage {
  const message: ChatMessage = {
    id: row.id,
    session_id: row.session_id,
    parent_id: row.parent_id,
    role: row.role,
    content: row.content,
    created_at: iso(row.created_at),
    status: row.status,
    model_id: row.model_id,
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    time_to_first_token_ms: row.time_to_first_token_ms,
    tokens_per_second: row.tokens_per_second,
    finish_reason: row.finish_reason,
  };
  // PostgreSQL counts arrive as bigint strings.
  if (row.sibling_position != null && row.sibling_count != null) {
    message.sibling_position = Number(row.sibling_position);
    message.sibling_count = Number(row.sibling_count);
  }
  return message;
}
