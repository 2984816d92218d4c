/** Repositories: every query of the SQLite store, scoped by user. Their contracts live in `../../contract/`. */
export { createSessionsRepository } from './sessions.repository.js';
export { createMessagesRepository } from './messages.repository.js';
export { createSearch } from './search.repository.js';
export { createUsersRepository } from './users.repository.js';
export { createAuthSessionsRepository } from './auth-sessions.repository.js';
export { createApiKeysRepository } from './api-keys.repository.js';
export { createMaintenanceRepository } from './maintenance.repository.js';
export type { RepositoryContext } from './repository-context.js';
export { createProcessesRepository } from './processes.repository.js';
export { createAttachmentsRepository } from './attachments.repository.js';
export { createVectorsRepository } from './vectors.repository.js';
export { createChunkVectorsRepository } from './chunk-vectors.repository.js';
