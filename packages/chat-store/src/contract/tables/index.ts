/** Table and row types of the tables both back ends share (same columns on SQLite and PostgreSQL). */
export type {
  ChatSessionsTable,
  ChatSessionRow,
  NewChatSessionRow,
  ChatSessionRowUpdate,
} from './chat-sessions.table.js';
export type {
  ChatMessagesTable,
  ChatMessageRow,
  NewChatMessageRow,
  ChatMessageRowUpdate,
} from './chat-messages.table.js';
export type { UsersTable, UserRow, NewUserRow, UserRowUpdate } from './users.table.js';
export type {
  AuthSessionsTable,
  AuthSessionRow,
  NewAuthSessionRow,
  AuthSessionRowUpdate,
} from './auth-sessions.table.js';
export type { ApiKeysTable, ApiKeyRow, NewApiKeyRow, ApiKeyRowUpdate } from './api-keys.table.js';
export type { ServerProcessesTable, ServerProcessRow, StreamingRepliesTable } from './server-processes.table.js';
