/** Opening a chat store on SQLite or PostgreSQL. */
export { openChatStore, DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_OPTIMIZE_INTERVAL_MS } from './open-chat-store.js';
export type { ChatStore, ChatStoreOptions } from './chat-store.js';
