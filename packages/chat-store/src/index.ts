/** @chat-studio/chat-store: chat history on SQLite (better-sqlite3, FTS5) or PostgreSQL (pg, tsvector) via kysely, with migrations and maintenance. */
export { openChatStore, DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_OPTIMIZE_INTERVAL_MS } from './store/index.js';
export { DEFAULT_READ_POOL_SIZE } from './read-pool/index.js';
export type { ChatStore, ChatStoreOptions } from './store/index.js';
export {
  ChatStoreError,
  InvalidCursorError,
  MigrationError,
  ChatStoreClosedError,
  DuplicateError,
  DatabaseUnavailableError,
} from './errors/index.js';
export {
  StorageError,
  DatabaseBusyError,
  StorageFullError,
  StorageReadOnlyError,
  StorageCorruptError,
  toStorageError,
  type StorageFailure,
} from './errors/index.js';
export {
  REBUILD_FTS_COMMAND,
  SEARCH_INDEX_SQL,
  SEARCH_INDEX_TRIGGERS,
  type SearchIndexStatus,
} from './search-index/index.js';
export { DEFAULT_SESSION_TITLE, SNIPPET_TOKENS, DEFAULT_SEARCH_WINDOW } from './repositories/index.js';
export { ONE_BRANCH_PER_CHAT_SQL } from './repositories/message-tree.sql.js';
export type {
  SessionsRepository,
  CreateSessionInput,
  UpdateSessionInput,
  ListSessionsOptions,
  MessagesRepository,
  AppendMessageInput,
  UpdateMessageInput,
  ListMessagesOptions,
  ListAroundOptions,
  MessageStatsInput,
  MessageSiblings,
  SearchFunction,
  SearchOptions,
  UsersRepository,
  CreateUserInput,
  UserRole,
  ProcessesRepository,
  RegisterProcessInput,
  AuthSessionsRepository,
  CreateAuthSessionInput,
  ApiKeysRepository,
  CreateApiKeyInput,
  MaintenanceRepository,
  StoreStats,
  StorageProbe,
  OrphanRemoval,
} from './repositories/index.js';
export { buildMatchExpression, tokenizeQuery, parseSnippet } from './search/index.js';
export { migrations, STORE_MIGRATIONS } from './migrations/index.js';
export {
  openPostgresStore,
  DEFAULT_POOL_SIZE,
  isPostgresUrl,
  buildTsQuery,
  postgresMigrations,
  POSTGRES_MIGRATIONS,
  SEARCH_CONFIG,
} from './postgres/index.js';
export type { OpenPostgresStoreOptions, PostgresChatDatabase, PostgresChatMessagesTable } from './postgres/index.js';
export type {
  ChatDatabase,
  ChatSessionsTable,
  ChatSessionRow,
  NewChatSessionRow,
  ChatSessionRowUpdate,
  ChatMessagesTable,
  ChatMessageRow,
  NewChatMessageRow,
  ChatMessageRowUpdate,
  MessagesFtsTable,
  UsersTable,
  UserRow,
  NewUserRow,
  UserRowUpdate,
  AuthSessionsTable,
  AuthSessionRow,
  NewAuthSessionRow,
  AuthSessionRowUpdate,
  ApiKeysTable,
  ApiKeyRow,
  NewApiKeyRow,
  ApiKeyRowUpdate,
  ServerProcessesTable,
  ServerProcessRow,
  StreamingRepliesTable,
} from './tables/index.js';
export * from './transfer/index.js';
