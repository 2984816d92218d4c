/** Opening a chat store on SQLite. */
export { openSqliteStore, DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_OPTIMIZE_INTERVAL_MS } from './open-sqlite-store.js';
export type { SqliteChatStore } from './sqlite-chat-store.js';
