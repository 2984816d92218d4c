import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { FinishReason, MessageRole, MessageStatus } from '@chat-studio/protocol';

/** `chat_messages`: one message. `seq` is the integer primary key (the rowid) and the paging/ordering key. */
export interface ChatMessagesTable {
  seq: Generated<number>;
  id: string;
  session_id: string;
  /** The message this one follows or answers; `null` for a chat's first message (and its siblings). */
  parent_id: Generated<string | null>;
  role: MessageRole;
  content: string;
  created_at: number;
  /** Generated (VIRTUAL) copy of `created_at`, kept for the troubleshooting guide's SQL. */
  timestamp: ColumnType<number, never, never>;
  status: Generated<MessageStatus>;
  model_id: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  time_to_first_token_ms: number | null;
  tokens_per_second: number | null;
  finish_reason: FinishReason | null;
  /**
   * 1 while the reply is being generated: full-text search leaves it out until its final store sets 0 (SQLite's
   * triggers, PostgreSQL's generated `content_tsv`), so the stream's partial writes re-index nothing.
   */
  streaming: Generated<0 | 1>;
}

export type ChatMessageRow = Selectable<ChatMessagesTable>;
export type NewChatMessageRow = Insertable<ChatMessagesTable>;
export type ChatMessageRowUpdate = Updateable<ChatMessagesTable>;
