/** The chat store on PostgreSQL, with its database handle typed as the PostgreSQL schema. */
import type { Kysely } from 'kysely';
import type { ChatStoreBase } from '../contract/chat-store.js';
import type { PostgresChatDatabase } from './postgres-database.js';

/** A `ChatStore` on a PostgreSQL database. */
export interface PostgresChatStore extends ChatStoreBase {
  readonly backend: 'postgres';
  /**
   * Escape hatch: a kysely instance over the store's pool (the PostgreSQL schema: no `messages_fts`, search lives on
   * `chat_messages.content_tsv`). Avoid its transactions while the store is in use.
   */
  readonly db: Kysely<PostgresChatDatabase>;
  /**
   * Settles when the search connections, opened with the store, have run their warm-up searches (it never
   * rejects). Searches need not wait for it; a benchmark that times a first search does.
   */
  readonly searchReady: Promise<void>;
}
