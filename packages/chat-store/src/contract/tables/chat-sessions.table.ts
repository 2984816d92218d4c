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
  /** The last message of the branch the chat shows (`null` while it has none); new messages go under it. */
  current_leaf_id: Generated<string | null>;
}

export type ChatSessionRow = Selectable<ChatSessionsTable>;
export type NewChatSessionRow = Insertable<ChatSessionsTable>;
export type ChatSessionRowUpdate = Updateable<ChatSessionsTable>;
