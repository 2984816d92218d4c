/** The ChatStore interface and its options. */
import type { Page, SearchHit } from '@chat-studio/protocol';
import type { Kysely } from 'kysely';
import type {
  ApiKeysRepository,
  AuthSessionsRepository,
  MaintenanceRepository,
  MessagesRepository,
  ProcessesRepository,
  SearchOptions,
  SessionsRepository,
  UsersRepository,
} from '../repositories/index.js';
import type { ChatDatabase } from '../tables/index.js';
import type { TransferRepository } from '../transfer/store/transfer-repository.js';

/**
 * Options of `openChatStore`.
 *
 * @example
 * await openChatStore({ path: ':memory:' });
 * await openChatStore({ path: 'data/chat_history.db', busyTimeoutMs: 10_000 });
 */
export interface ChatStoreOptions {
  /**
   * A `postgres://` URL: the store runs on PostgreSQL instead of SQLite (several API processes can share it).
   * Wins over `path`. Defaults to none (SQLite); the store reads no environment, so an app passes DATABASE_URL here.
   */
  url?: string;
  /**
   * `':memory:'` or a file path, resolved from the cwd; its folder is created.
   * Defaults to `'data/chat_history.db'` (an app passes DATABASE_PATH here).
   */
  path?: string;
  /** PostgreSQL only: connections per process. Defaults to 10. */
  poolSize?: number;
  /** SQLite only: how long a writer waits for another connection's lock before SQLITE_BUSY. Defaults to 5000. */
  busyTimeoutMs?: number;
  /**
   * SQLite only: called with the SQL text (parameters are never included) and the milliseconds of each statement
   * that took at least `slowStatementMs`, e.g. to log slow queries at debug level. Defaults to none.
   */
  onSlowStatement?: (sql: string, ms: number) => void;
  /** Threshold for `onSlowStatement`. Defaults to 50 ms. */
  slowStatementMs?: number;
  /**
   * Search ranks by bm25 among this many of the user's newest matching messages (all of them when fewer match),
   * which bounds the cost of very common words. Defaults to 1000.
   */
  searchWindow?: number;
  /**
   * SQLite only: worker threads, each with a read-only connection, that run the reads which can take long (search,
   * large pages, exports) off the event loop. Defaults to 2; 0 runs them on the store's own connection (always so
   * for `':memory:'`, which no other connection can see).
   */
  readPool?: number;
  /**
   * SQLite only: how often the store runs `PRAGMA optimize`, which refreshes planner statistics when they have gone
   * stale; it also runs once at open. Defaults to one hour; 0 turns the periodic run off. Read-only stores never run it.
   */
  optimizeIntervalMs?: number;
  /**
   * Open without writing: no migrations, no WAL switch; the database must exist and be migrated (on PostgreSQL every
   * transaction is read-only). Defaults to `false`.
   */
  readonly?: boolean;
}

/**
 * Chat history for every user, on one SQLite file or a PostgreSQL database. Every call is scoped by `userId`.
 *
 * @example
 * const store = await openChatStore();
 * const page = await store.sessions.list('local', { limit: 20 });
 */
export interface ChatStore {
  /** Which engine holds the data. */
  readonly backend: 'sqlite' | 'postgres';
  /** Absolute file path, `':memory:'`, or the PostgreSQL URL with its password masked. */
  readonly path: string;
  /**
   * Escape hatch: a kysely instance over the same connection (pool on PostgreSQL, which has no `messages_fts`).
   * Avoid its transactions while the store is in use.
   */
  readonly db: Kysely<ChatDatabase>;
  readonly sessions: SessionsRepository;
  readonly messages: MessagesRepository;
  /**
   * Ranked full-text search over the user's messages (BM25 among the newest `searchWindow` matches on both engines;
   * lower `rank` is better). Any text is a valid query.
   */
  search(userId: string, query: string, options?: SearchOptions): Promise<Page<SearchHit>>;
  readonly users: UsersRepository;
  readonly authSessions: AuthSessionsRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly maintenance: MaintenanceRepository;
  /** API processes serving this database and the replies they are streaming (crash recovery, `pnpm stop --all`). */
  readonly processes: ProcessesRepository;
  /** Export and import: see `readChats`, `importChats` and `exportChatsJson`. */
  readonly transfer: TransferRepository;
  /** `true` when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Closes the connection. Further calls throw `ChatStoreClosedError`. Idempotent. */
  close(): Promise<void>;
}
