/** The chat store on SQLite, with its database handle typed as the SQLite schema. */
import type { Kysely } from 'kysely';
import type { ChatStoreBase } from '../../contract/chat-store.js';
import type { ChatDatabase } from '../tables/index.js';
import type { VectorIndex } from '../../vector-index/index.js';

/** A `ChatStore` on one SQLite file. */
export interface SqliteChatStore extends ChatStoreBase {
  readonly backend: 'sqlite';
  /**
   * Escape hatch: a kysely instance over the store's own connection (the SQLite schema, `messages_fts` included).
   * Avoid its transactions while the store is in use.
   */
  readonly db: Kysely<ChatDatabase>;
  /**
   * The in-process vector index behind `vectors.search` (`undefined` when off): its `state(userId)` says whether a
   * user's searches use it yet (benchmarks and tests wait for `ready`).
   */
  readonly vectorIndex: VectorIndex | undefined;
}
