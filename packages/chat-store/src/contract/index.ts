/**
 * The contract both back ends implement: the ChatStore interface, every repository interface with its inputs and
 * options, the shared constants, and the row mappers and page builders both back ends use.
 */
export type { ChatStoreBase, ChatStoreOptions, ChatStoreBackend } from './chat-store.js';
export { DEFAULT_SESSION_TITLE } from './sessions.js';
export type { SessionsRepository, CreateSessionInput, UpdateSessionInput, ListSessionsOptions } from './sessions.js';
export type {
  MessagesRepository,
  AppendMessageInput,
  UpdateMessageInput,
  ListMessagesOptions,
  ListAroundOptions,
  MessageStatsInput,
  MessageSiblings,
} from './messages.js';
export { SNIPPET_TOKENS, DEFAULT_SEARCH_WINDOW } from './search.js';
export type { SearchFunction, SearchOptions } from './search.js';
export type { UsersRepository, CreateUserInput, UserRole } from './users.js';
export type { AuthSessionsRepository, CreateAuthSessionInput } from './auth-sessions.js';
export type { ApiKeysRepository, CreateApiKeyInput } from './api-keys.js';
export type {
  MaintenanceRepository,
  StoreStats,
  StorageProbe,
  OrphanRemoval,
  SearchIndexStatus,
} from './maintenance.js';
export type { ProcessesRepository, RegisterProcessInput } from './processes.js';
export type { TransferRepository } from './transfer-repository.js';
export type {
  AttachmentsRepository,
  BindOptions,
  AttachmentChunkHit,
  AttachmentChunkInput,
  NewAttachment,
  UnfinishedChunks,
} from './attachments.js';
export { pageLimit } from './paging.js';
