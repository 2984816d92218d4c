/** Export and import rows: the builders both back ends share. */
import { DEFAULT_SESSION_TITLE } from './sessions.js';
import { iso, toChatSession } from './mappers.js';
import type { ChatSessionRow } from './tables/index.js';
import type { ExportMessage } from '../transfer/own-format.js';
import type { TransferChat } from '../transfer/transfer-types.js';

export type SessionRowWithLeaf = ChatSessionRow & { current_message_id: string | null };

export type MessageRow = Omit<ExportMessage, 'created_at'> & { created_at: number; seq: number };

/** The session row an import inserts, shared with the PostgreSQL back end. */
export function importedSessionRow(chat: TransferChat, id: string, userId: string) {
  return {
    id,
    user_id: userId,
    title: chat.title.trim() || DEFAULT_SESSION_TITLE,
    created_at: chat.created_at,
    updated_at: Math.max(chat.updated_at, chat.created_at),
    pinned: chat.pinned ? 1 : 0,
    archived: chat.archived ? 1 : 0,
    settings: JSON.stringify(chat.settings),
  };
}

/**
 * The values of one imported message in the column order of {@link IMPORTED_MESSAGE_COLUMNS}, shared by both back
 * ends' inserts.
 */
export function importedMessageValues(
  m: TransferChat['messages'][number],
  id: string,
  sessionId: string,
  parentId: string | null,
): unknown[] {
  return [
    id,
    sessionId,
    m.role,
    m.content,
    m.created_at,
    m.status,
    m.model_id,
    m.prompt_tokens,
    m.completion_tokens,
    m.time_to_first_token_ms,
    m.tokens_per_second,
    m.finish_reason,
    parentId,
  ];
}

/** The columns {@link importedMessageValues} fills, in order. */
export const IMPORTED_MESSAGE_COLUMNS =
  'id, session_id, role, content, created_at, status, model_id, prompt_tokens, completion_tokens, ' +
  'time_to_first_token_ms, tokens_per_second, finish_reason, parent_id';

/** A stored session as the export writes it. */
export function toExportChatRow(row: SessionRowWithLeaf) {
  const session = toChatSession(row);
  return {
    id: session.id,
    title: session.title,
    created_at: session.created_at,
    updated_at: session.updated_at,
    pinned: session.pinned,
    archived: session.archived,
    settings: session.settings,
    current_message_id: row.current_message_id,
  };
}

/** A stored message as the export writes it (numbers as numbers, whatever the driver returned). */
export function toExportMessageRow(row: MessageRow): ExportMessage {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: row.id,
    parent_id: row.parent_id,
    role: row.role,
    content: row.content,
    created_at: iso(Number(row.created_at)),
    status: row.status,
    model_id: row.model_id,
    prompt_tokens: num(row.prompt_tokens),
    completion_tokens: num(row.completion_tokens),
    time_to_first_token_ms: num(row.time_to_first_token_ms),
    tokens_per_second: num(row.tokens_per_second),
    finish_reason: row.finish_reason,
  };
}
