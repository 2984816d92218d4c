/** Repositories: every query of the SQLite store, scoped by user. */
export { createSessionsRepository, DEFAULT_SESSION_TITLE } from './sessions.repository.js';
export type {
  SessionsRepository,
  CreateSessionInput,
  UpdateSessionInput,
  ListSessionsOptions,
} from './sessions.repository.js';
export { createMessagesRepository } from './messages.repository.js';
export type {
  MessagesRepository,
  AppendMessageInput,
  UpdateMessageInput,
  ListMessagesOptions,
  ListAroundOptions,
  MessageStatsInput,
  MessageSiblings,
} from './messages.repository.js';
export { createSearch, SNIPPET_TOKENS, DEFAULT_SEARCH_WINDOW } from './search.repository.js';
export type { SearchFunction, SearchOptions } from './search.repository.js';
export { createUsersRepository } from './users.repository.js';
export type { UsersRepository, CreateUserInput, UserRole } from './users.repository.js';
export { createAuthSessionsRepository } from './auth-sessions.repository.js';
export type { AuthSessionsRepository, CreateAuthSessionInput } from './auth-sessions.repository.js';
export { createApiKeysRepository } from './api-keys.repository.js';
export type { ApiKeysRepository, CreateApiKeyInput } from './api-keys.repository.js';
export { createMaintenanceRepository } from './maintenance.repository.js';
export type { MaintenanceRepository, StoreStats, StorageProbe, OrphanRemoval } from './maintenance.repository.js';
export type { RepositoryContext } from './repository-context.js';
export { createProcessesRepository } from './processes.repository.js';
export type { ProcessesRepository, RegisterProcessInput } from './processes.repository.js';
