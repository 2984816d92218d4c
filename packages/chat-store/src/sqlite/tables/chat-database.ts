import type { ApiKeysTable } from '../../contract/tables/api-keys.table.js';
import type { AuthSessionsTable } from '../../contract/tables/auth-sessions.table.js';
import type { ChatMessagesTable } from '../../contract/tables/chat-messages.table.js';
import type { ChatSessionsTable } from '../../contract/tables/chat-sessions.table.js';
import type { MessagesFtsTable } from './messages-fts.table.js';
import type { UsersTable } from '../../contract/tables/users.table.js';
import type { ServerProcessesTable, StreamingRepliesTable } from '../../contract/tables/server-processes.table.js';

/** Every table of the chat database, for `Kysely<ChatDatabase>`. */
export interface ChatDatabase {
  chat_sessions: ChatSessionsTable;
  chat_messages: ChatMessagesTable;
  messages_fts: MessagesFtsTable;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  api_keys: ApiKeysTable;
  server_processes: ServerProcessesTable;
  streaming_replies: StreamingRepliesTable;
}
