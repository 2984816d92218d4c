import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** `chat_sessions`: one conversation. Times are epoch milliseconds; flags are 0/1. */
export interface ChatSessionsTable {
  id: string;
  user_id: string;
  title: string;
  created_at: number;
  updated_at: number;
  pinned: Generated<number>;
  archived: Generated<number>;
  /** JSON text of `SessionSettings`. */
  settings: Generated<string>;
}

export type ChatSessionRow = Selectable<ChatSessionsTable>;
export type NewChatSessionRow = Insertable<ChatSessionsTable>;
export type ChatSessionRowUpdate = Updateable<ChatSessionsTable>;
