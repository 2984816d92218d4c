import type { ApiKeysTable } from './api-keys.table.js';
import type { AuthSessionsTable } from './auth-sessions.table.js';
import type { ChatMessagesTable } from './chat-messages.table.js';
import type { ChatSessionsTable } from './chat-sessions.table.js';
import type { MessagesFtsTable } from './messages-fts.table.js';
import type { UsersTable } from './users.table.js';
import type { ServerProcessesTable, StreamingRepliesTable } from './server-processes.table.js';

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
