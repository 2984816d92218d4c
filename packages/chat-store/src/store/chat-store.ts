/** The ChatStore interface and its options. */
import type { Page, SearchHit } from '@chat-studio/protocol';
import type { Kysely } from 'kysely';
import type {
  ApiKeysRepository,
  AuthSessionsRepository,
  MaintenanceRepository,
  MessagesRepository,
  SearchOptions,
  SessionsRepository,
  UsersRepository,
} from '../repositories/index.js';
import type { ChatDatabase } from '../tables/index.js';

/**
 * Options of `openChatStore`.
 *
 * @example
 * await openChatStore({ path: ':memory:' });
 * await openChatStore({ path: 'data/chat_history.db', busyTimeoutMs: 10_000 });
 */
export interface ChatStoreOptions {
  /**
   * `':memory:'` or a file path, resolved from the cwd; its folder is created.
   * Defaults to `process.env.DATABASE_PATH ?? 'data/chat_history.db'`.
   */
  path?: string;
  /** How long a writer waits for another connection's lock before SQLITE_BUSY. Defaults to 5000. */
  busyTimeoutMs?: number;
  /**
   * Search ranks by bm25 among this many of the user's newest matching messages (all of them when fewer match),
   * which bounds the cost of very common words. Defaults to 1000.
   */
  searchWindow?: number;
  /** Open without writing: no migrations, no WAL switch; the file must exist and be migrated. Defaults to `false`. */
  readonly?: boolean;
}

/**
 * Chat history for every user, on one SQLite file. Every call is scoped by `userId`.
 *
 * @example
 * const store = await openChatStore();
 * const page = await store.sessions.list('local', { limit: 20 });
 */
export interface ChatStore {
  /** Absolute file path, or `':memory:'`. */
  readonly path: string;
  /** Escape hatch: a kysely instance over the same connection. Avoid its transactions while the store is in use. */
  readonly db: Kysely<ChatDatabase>;
  readonly sessions: SessionsRepository;
  readonly messages: MessagesRepository;
  /** bm25-ranked full-text search over the user's messages. Any text is a valid query. */
  search(userId: string, query: string, options?: SearchOptions): Promise<Page<SearchHit>>;
  readonly users: UsersRepository;
  readonly authSessions: AuthSessionsRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly maintenance: MaintenanceRepository;
  /** `true` when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Closes the connection. Further calls throw `ChatStoreClosedError`. Idempotent. */
  close(): Promise<void>;
}
