/** Opens (and migrates) the chat store on PostgreSQL. */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { monotonicFactory } from 'ulid';
import { ChatStoreClosedError, DatabaseUnavailableError, MigrationError, unavailableReason } from '../errors/index.js';
import { DEFAULT_SEARCH_WINDOW } from '../contract/search.js';
import type { PostgresChatStore } from './postgres-chat-store.js';
import { createPool, redactUrl } from './create-pool.js';
import { migratePostgres, pendingPostgresMigrations } from './migrations/index.js';
import type { PostgresChatDatabase } from './postgres-database.js';
import { createPostgresApiKeysRepository } from './repositories/api-keys.repository.js';
import { createPostgresAuthSessionsRepository } from './repositories/auth-sessions.repository.js';
import { createPostgresMaintenanceRepository } from './repositories/maintenance.repository.js';
import { createPostgresMessagesRepository } from './repositories/messages.repository.js';
import { createPostgresProcessesRepository } from './repositories/processes.repository.js';
import { createPostgresAttachmentsRepository } from './repositories/attachments.repository.js';
import type { PostgresContext } from './repositories/postgres-context.js';
import { createPostgresSearch, POSTGRES_SEARCH_CONCURRENCY, warmSearchConnections } from './repositories/search.js';
import { createPostgresSessionsRepository } from './repositories/sessions.repository.js';
import { createPostgresUsersRepository } from './repositories/users.repository.js';
import { createPostgresVectorsRepository } from './repositories/vectors.repository.js';
import { createPostgresChunkVectorsRepository } from './repositories/chunk-vectors.repository.js';
import { createPostgresTransferRepository } from './transfer/postgres-transfer.js';

/** Default of `ChatStoreOptions.poolSize`: connections per process. */
export const DEFAULT_POOL_SIZE = 10;

export interface OpenPostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Connections per process. Defaults to 10. */
  poolSize?: number;
  /** Defaults to 1000; see `ChatStoreOptions.searchWindow`. */
  searchWindow?: number;
  /** Open without migrating; every transaction is read-only. Defaults to `false`. */
  readonly?: boolean;
  /**
   * Warm the search connections in the background at open (see `searchReady`). Defaults to `false`, which leaves
   * each to its first search: a server passes `true`, while a command-line tool that opens the store for a moment
   * should not run two searches and wait for them at close (bench:scale measures the difference).
   */
  warmSearch?: boolean;
}

/** A lost or refused connection becomes `DatabaseUnavailableError` (503 with Retry-After), never a bare 500. */
function asUnavailable(error: unknown): never {
  const reason = unavailableReason(error);
  throw reason ? new DatabaseUnavailableError(reason, { cause: error }) : error;
}

/**
 * Wraps every method so that a call after `close()` throws `ChatStoreClosedError`, as on SQLite, and a database
 * that cannot be reached throws `DatabaseUnavailableError`.
 */
function guard<T extends object>(target: T, isClosed: () => boolean): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    out[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            if (isClosed()) return Promise.reject(new ChatStoreClosedError());
            return Promise.resolve((value as (...a: unknown[]) => unknown)(...args)).catch(asUnavailable);
          }
        : value;
  }
  return out as T;
}

/**
 * Opens the chat store on a PostgreSQL database: a `pg` pool under kysely, migrated under an advisory lock so
 * several API processes may start at once. Same `ChatStore` interface as the SQLite back end.
 *
 * @example
 * const store = await openPostgresStore({ url: 'postgres://chat:secret@db.internal:5432/chat' });
 * const session = await store.sessions.create('local', { title: 'Ideas' });
 * await store.close();
 */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<PostgresChatStore> {
  const readonly = options.readonly ?? false;
  const pool = await createPool({
    url: options.url,
    max: Math.max(1, Math.floor(options.poolSize ?? DEFAULT_POOL_SIZE)),
    readonly,
  });
  const db = new Kysely<PostgresChatDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (readonly) {
      const pending = await pendingPostgresMigrations(db);
      if (pending.length > 0)
        throw new MigrationError(
          `Database ${redactUrl(options.url)} needs migrations (${pending.join(', ')}); open it writable once`,
        );
    } else {
      await migratePostgres(db);
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }

  // Health has a connection of its own: with every pooled connection busy (50 searches in flight), `/health` waited
  // for one (p99 3.1 s in bench:scale). The pool connects on the first ping only.
  const healthDb = new Kysely<PostgresChatDatabase>({
    dialect: new PostgresDialect({ pool: await createPool({ url: options.url, max: 1, readonly }) }),
  });
  // Searches have connections of their own, as many as run at once, kept open for the store's life and warmed now
  // in the background: a search on a new connection cost 0.1–0.5 s more than on a used one (bench:scale), and the
  // main pool closes idle connections after 10 s, so a search after a pause would often pay it.
  const searchWindow = Math.max(1, Math.floor(options.searchWindow ?? DEFAULT_SEARCH_WINDOW));
  const searchDb = new Kysely<PostgresChatDatabase>({
    dialect: new PostgresDialect({
      pool: await createPool({ url: options.url, max: POSTGRES_SEARCH_CONCURRENCY, readonly, idleTimeoutMillis: 0 }),
    }),
  });
  const searchReady =
    options.warmSearch === true
      ? warmSearchConnections(searchDb, POSTGRES_SEARCH_CONCURRENCY, searchWindow)
      : Promise.resolve();
  const nextId = monotonicFactory();
  const ctx: PostgresContext = { db, pool, healthDb, searchDb, now: () => Date.now(), newId: () => nextId() };
  const search = createPostgresSearch(ctx, searchWindow);
  let closed = false;
  const isClosed = () => closed;

  return {
    backend: 'postgres',
    path: redactUrl(options.url),
    db,
    searchReady,
    sessions: guard(createPostgresSessionsRepository(ctx), isClosed),
    messages: guard(createPostgresMessagesRepository(ctx), isClosed),
    search: guard({ search }, isClosed).search,
    // Serialized here: the page is built on the event loop anyway (the database returns only the page's rows).
    searchJson: guard(
      { searchJson: async (...args: Parameters<typeof search>) => JSON.stringify(await search(...args)) },
      isClosed,
    ).searchJson,
    users: guard(createPostgresUsersRepository(ctx), isClosed),
    authSessions: guard(createPostgresAuthSessionsRepository(ctx), isClosed),
    apiKeys: guard(createPostgresApiKeysRepository(ctx), isClosed),
    maintenance: guard(createPostgresMaintenanceRepository(ctx, options.url), isClosed),
    processes: guard(createPostgresProcessesRepository(ctx), isClosed),
    transfer: guard(createPostgresTransferRepository(ctx), isClosed),
    attachments: guard(createPostgresAttachmentsRepository(ctx), isClosed),
    vectors: guard(createPostgresVectorsRepository(ctx), isClosed),
    chunkVectors: guard(createPostgresChunkVectorsRepository(ctx), isClosed),
    async ping() {
      if (closed) return false;
      try {
        const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(healthDb);
        return rows[0]?.ok === 1;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await searchReady;
      await Promise.all([db.destroy(), healthDb.destroy(), searchDb.destroy()]);
    },
  };
}
