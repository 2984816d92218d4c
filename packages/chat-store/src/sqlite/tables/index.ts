/** The SQLite schema: the shared tables plus the FTS5 index `messages_fts`. */
export type { ChatDatabase } from './chat-database.js';
export type { MessagesFtsTable } from './messages-fts.table.js';
