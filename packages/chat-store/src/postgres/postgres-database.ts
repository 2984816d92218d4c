/** The kysely table types of the PostgreSQL back end: the shared tables plus the generated search column. */
import type { ColumnType } from 'kysely';
import type {
  ApiKeysTable,
  AuthSessionsTable,
  ChatMessagesTable,
  ChatSessionsTable,
  ServerProcessesTable,
  StreamingRepliesTable,
  UsersTable,
} from '../contract/tables/index.js';

/** `chat_messages` on PostgreSQL: `content_tsv` is generated from `content` and indexed with GIN. */
export interface PostgresChatMessagesTable extends ChatMessagesTable {
  content_tsv: ColumnType<string, never, never>;
}

/** Every table of the PostgreSQL chat database (no `messages_fts`: search lives on `chat_messages`). */
export interface PostgresChatDatabase {
  chat_sessions: ChatSessionsTable;
  chat_messages: PostgresChatMessagesTable;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  api_keys: ApiKeysTable;
  server_processes: ServerProcessesTable;
  streaming_replies: StreamingRepliesTable;
}
