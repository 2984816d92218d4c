/** The chat store type: one variant per back end, told apart by `backend`. */
import type { PostgresChatStore } from './postgres/postgres-chat-store.js';
import type { SqliteChatStore } from './sqlite/store/sqlite-chat-store.js';

/**
 * Chat history for every user, on one SQLite file or a PostgreSQL database. Every call is scoped by `userId`.
 * `db`, the escape hatch to kysely, is typed by the back end: check `backend` first.
 *
 * @example
 * const store = await openChatStore();
 * const page = await store.sessions.list('local', { limit: 20 });
 * if (store.backend === 'sqlite') await sql`PRAGMA optimize`.execute(store.db);
 */
export type ChatStore = SqliteChatStore | PostgresChatStore;
