/** The PostgreSQL back end of the chat store: same ChatStore interface, kysely + pg pool, tsvector search. */
export { openPostgresStore, DEFAULT_POOL_SIZE, type OpenPostgresStoreOptions } from './open-postgres-store.js';
export { isPostgresUrl, redactUrl } from './create-pool.js';
export { buildTsQuery } from './ts-query.js';
export { postgresMigrations, POSTGRES_MIGRATIONS, SEARCH_CONFIG } from './migrations/index.js';
export type { PostgresChatDatabase, PostgresChatMessagesTable } from './postgres-database.js';
export type { PostgresChatStore } from './postgres-chat-store.js';
