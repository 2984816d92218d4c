/** @chat-studio/chat-store: chat history on SQLite (better-sqlite3, FTS5) or PostgreSQL (pg, tsvector) via kysely, with migrations and maintenance. */
export { openChatStore } from './open-chat-store.js';
export { openSqliteStore, DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_OPTIMIZE_INTERVAL_MS } from './sqlite/store/index.js';
export { DEFAULT_READ_POOL_SIZE } from './sqlite/read-pool/index.js';
export type { ChatStore } from './chat-store.js';
export type { ChatStoreBase, ChatStoreBackend, ChatStoreOptions } from './contract/chat-store.js';
export type { SqliteChatStore } from './sqlite/store/index.js';
export {
  ChatStoreError,
  InvalidCursorError,
  MigrationError,
  ChatStoreClosedError,
  DuplicateError,
  DatabaseUnavailableError,
  AttachmentNotFoundError,
  AttachmentQuotaExceededError,
  VectorsUnavailableError,
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
} from './sqlite/search-index/index.js';
export { DEFAULT_SESSION_TITLE, SNIPPET_TOKENS, DEFAULT_SEARCH_WINDOW } from './contract/index.js';
export { ONE_BRANCH_PER_CHAT_SQL } from './contract/message-tree.sql.js';
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
  AttachmentsRepository,
  BindOptions,
  AttachmentChunkHit,
  AttachmentChunkInput,
  NewAttachment,
  UnfinishedChunks,
} from './contract/index.js';
export { buildMatchExpression, tokenizeQuery, parseSnippet } from './search/index.js';
export { migrations, STORE_MIGRATIONS } from './sqlite/migrations/index.js';
export {
  openPostgresStore,
  DEFAULT_POOL_SIZE,
  isPostgresUrl,
  buildTsQuery,
  postgresMigrations,
  POSTGRES_MIGRATIONS,
  SEARCH_CONFIG,
} from './postgres/index.js';
export type {
  OpenPostgresStoreOptions,
  PostgresChatDatabase,
  PostgresChatMessagesTable,
  PostgresChatStore,
} from './postgres/index.js';
export type { ChatDatabase, MessagesFtsTable } from './sqlite/tables/index.js';
export type {
  ChatSessionsTable,
  ChatSessionRow,
  NewChatSessionRow,
  ChatSessionRowUpdate,
  ChatMessagesTable,
  ChatMessageRow,
  NewChatMessageRow,
  ChatMessageRowUpdate,
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
} from './contract/tables/index.js';
export * from './transfer/index.js';
export { MAX_VECTOR_HITS } from './contract/vectors.js';
export { chunkEmbeddingText } from './contract/chunk-vectors.js';
export type {
  ChunkVectorsRepository,
  ChunkVectorInput,
  ChunkVectorSearch,
  ChunkIndexProgress,
  ChunkIndexTotals,
  PendingChunk,
} from './contract/chunk-vectors.js';
export type {
  VectorsRepository,
  EmbeddingModelInfo,
  PendingMessage,
  MessageVectorInput,
  VectorHit,
  EmbeddingProgress,
  VectorCheck,
  VectorSearchOptions,
} from './contract/vectors.js';
