/** What every chat store offers whatever its back end, and the options of `openChatStore`. */
import type { Page, SearchHit } from '@chat-studio/protocol';
import type { ApiKeysRepository } from './api-keys.js';
import type { AuthSessionsRepository } from './auth-sessions.js';
import type { MaintenanceRepository } from './maintenance.js';
import type { MessagesRepository } from './messages.js';
import type { ProcessesRepository } from './processes.js';
import type { SearchOptions } from './search.js';
import type { SessionsRepository } from './sessions.js';
import type { UsersRepository } from './users.js';
import type { TransferRepository } from './transfer-repository.js';
import type { AttachmentsRepository } from './attachments.js';
import type { VectorsRepository } from './vectors.js';
import type { ChunkVectorsRepository } from './chunk-vectors.js';

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
   * SQLite only: bytes the in-process vector index may hold for search by meaning (an int8 copy of each searching
   * user's vectors, scanned in a worker thread: about 200 bytes a 64-dimension vector, so 1,000,000 take ~190 MB).
   * The least recently searched users are evicted past it; a user whose vectors alone exceed it is searched by
   * sqlite-vec's exact KNN instead. Defaults to 512 MiB; 0 turns the index off. Read-only stores have none.
   */
  vectorIndexBytes?: number;
  /**
   * SQLite only: how often the store runs `PRAGMA optimize`, which refreshes planner statistics when they have gone
   * stale; it also runs once at open. Defaults to one hour; 0 turns the periodic run off. Read-only stores never run it.
   */
  optimizeIntervalMs?: number;
  /**
   * SQLite only: `false` never runs `PRAGMA optimize` (not at open, not periodically, not at close), so the store
   * writes nothing it was not asked to: for `pnpm maintenance`, which checks a file's integrity before it writes and
   * runs ANALYZE itself. Defaults to `true`.
   */
  optimize?: boolean;
  /**
   * Open without writing: no migrations, no WAL switch; the database must exist and be migrated (on PostgreSQL every
   * transaction is read-only). Defaults to `false`.
   */
  readonly?: boolean;
  /**
   * PostgreSQL only: open the search connections at once and run a search on each in the background, so that the
   * first searches do not pay a new database process's first plan (`searchReady` settles when done). Defaults to
   * `false`; the API server turns it on, short-lived tools leave it off.
   */
  warmSearch?: boolean;
}

/** Which engine holds the data: the discriminant of `ChatStore`. */
export type ChatStoreBackend = 'sqlite' | 'postgres';

/**
 * Chat history for every user, on one SQLite file or a PostgreSQL database, without the back end's database handle:
 * what both back ends implement. Every call is scoped by `userId`. `ChatStore` adds `backend` and the typed `db`.
 *
 * @example
 * const store = await openChatStore();
 * const page = await store.sessions.list('local', { limit: 20 });
 */
export interface ChatStoreBase {
  /** Which engine holds the data. */
  readonly backend: ChatStoreBackend;
  /** Absolute file path, `':memory:'`, or the PostgreSQL URL with its password masked. */
  readonly path: string;
  readonly sessions: SessionsRepository;
  readonly messages: MessagesRepository;
  /**
   * Ranked full-text search over the user's messages (BM25 among the newest `searchWindow` matches on both engines;
   * lower `rank` is better). Any text is a valid query.
   */
  search(userId: string, query: string, options?: SearchOptions): Promise<Page<SearchHit>>;
  /**
   * `search`'s page as JSON text, for a response body: SQLite serializes it in the read-pool worker that ran the
   * search, so the event loop neither copies the hits' objects across threads nor serializes them again (with 50
   * searches in flight, that per-search work is what a `/health` request queued behind them waits for).
   */
  searchJson(userId: string, query: string, options?: SearchOptions): Promise<string>;
  readonly users: UsersRepository;
  readonly authSessions: AuthSessionsRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly maintenance: MaintenanceRepository;
  /** API processes serving this database and the replies they are streaming (crash recovery, `pnpm stop --all`). */
  readonly processes: ProcessesRepository;
  /** Export and import: see `readChats`, `importChats` and `exportChatsJson`. */
  readonly transfer: TransferRepository;
  /** Files attached to messages: bytes once per user, quota, chunks of large files with full-text retrieval. */
  readonly attachments: AttachmentsRepository;
  /** Message vectors for search by meaning (opt-in per user), with the embedding cursor and its progress. */
  readonly vectors: VectorsRepository;
  /** Vectors of large attachments' chunks for hybrid retrieval (no opt-in: attaching the file asks for it). */
  readonly chunkVectors: ChunkVectorsRepository;
  /** `true` when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Closes the connection. Further calls throw `ChatStoreClosedError`. Idempotent. */
  close(): Promise<void>;
}
