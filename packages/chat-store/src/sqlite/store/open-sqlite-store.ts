/** Opens (and migrates) the chat store. */
import type Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { Kysely, SqliteDialect } from 'kysely';
import { monotonicFactory } from 'ulid';
import { openDatabase, resolveDatabasePath, SqlRunner } from '../connection/index.js';
import { MigrationError } from '../../errors/index.js';
import { migrateToLatest, pendingMigrations } from '../migrations/index.js';
import {
  createApiKeysRepository,
  createAuthSessionsRepository,
  createMaintenanceRepository,
  createMessagesRepository,
  createProcessesRepository,
  createAttachmentsRepository,
  createSearch,
  createSessionsRepository,
  createUsersRepository,
  createVectorsRepository,
  createChunkVectorsRepository,
  type RepositoryContext,
} from '../repositories/index.js';
import { DEFAULT_SEARCH_WINDOW, type SearchOptions } from '../../contract/search.js';
import { DEFAULT_READ_POOL_SIZE, pooledMessages, pooledTransfer, ReadPool } from '../read-pool/index.js';
import type { ChatDatabase } from '../tables/index.js';
import { VectorIndex } from '../../vector-index/index.js';
import { openVectorReader } from '../repositories/vectors.indexed.js';
import type { ChatStoreOptions } from '../../contract/chat-store.js';
import type { SqliteChatStore } from './sqlite-chat-store.js';
import { createSqliteTransferRepository } from '../transfer/sqlite-transfer.js';
import { createChunkPurger } from '../repositories/attachment-chunk-purge.js';
import { kickAfter } from '../../contract/kick-after.js';

/** Default busy timeout in milliseconds. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Default of `ChatStoreOptions.optimizeIntervalMs`. */
export const DEFAULT_OPTIMIZE_INTERVAL_MS = 3_600_000;

/**
 * Keeps planner statistics current on a database nobody maintains: `PRAGMA optimize` at open (0x10002: consider
 * every table, not only those this connection queried) and then every `intervalMs`. It analyzes only tables whose
 * statistics are missing or stale, with a row limit, so it is cheap when there is nothing to do. Returns the stopper.
 */
function keepOptimized(raw: Database.Database, intervalMs: number): () => void {
  const optimize = (mask: string) => {
    try {
      if (raw.open) raw.pragma(`optimize${mask}`);
    } catch {
      // Best effort: a busy or read-only database is optimized next time.
    }
  };
  optimize('=0x10002');
  if (intervalMs <= 0) return () => {};
  const timer = setInterval(() => optimize(''), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Loads sqlite-vec (vector tables for search by meaning) into the connection. Its npm package ships the extension for
 * the common platforms; where none fits, the store works without search by meaning.
 */
function loadSqliteVec(raw: Database.Database): boolean {
  try {
    sqliteVec.load(raw);
    return true;
  } catch {
    return false;
  }
}

function isBusy(error: unknown): boolean {
  const code =
    (error as { code?: string; cause?: { code?: string } } | null)?.code ??
    (error as { cause?: { code?: string } })?.cause?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

async function migrateWithRetry(db: Kysely<ChatDatabase>, sql: SqlRunner): Promise<void> {
  // Two processes opening a fresh file at once: kysely's Migrator uses a deferred BEGIN, which SQLite may refuse
  // with SQLITE_BUSY instead of waiting. The loser retries and then finds nothing pending.
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(db, sql.raw);
      return;
    } catch (error) {
      if (attempt >= 10 || !isBusy(error)) throw error;
      await new Promise((r) => setTimeout(r, 25 * attempt));
    }
  }
}

/**
 * Opens the chat store on the SQLite file at `options.path`: applies the pragmas (WAL, foreign keys, busy timeout,
 * synchronous=NORMAL) and runs pending migrations. `openChatStore` calls it when no PostgreSQL URL is given.
 *
 * @example
 * const store = await openSqliteStore({ path: ':memory:' });
 * await store.close();
 */
export async function openSqliteStore(options: ChatStoreOptions = {}): Promise<SqliteChatStore> {
  const path = resolveDatabasePath(options.path);
  const readonly = options.readonly ?? false;
  const raw = openDatabase({ path, readonly, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  const db = new Kysely<ChatDatabase>({ dialect: new SqliteDialect({ database: raw }) });
  const sql = new SqlRunner(raw);
  if (options.onSlowStatement) {
    sql.onSlowStatement = options.onSlowStatement;
    sql.slowStatementMs = options.slowStatementMs ?? sql.slowStatementMs;
  }

  try {
    if (readonly) {
      const pending = pendingMigrations(raw);
      if (pending.length > 0)
        throw new MigrationError(`Database ${path} needs migrations (${pending.join(', ')}); open it writable once`);
    } else {
      await migrateWithRetry(db, sql);
    }
  } catch (error) {
    raw.close();
    throw error;
  }

  const vectorsAvailable = loadSqliteVec(raw);
  const nextId = monotonicFactory();
  const ctx: RepositoryContext = { db, sql, now: () => Date.now(), newId: () => nextId() };
  const window = Math.max(1, Math.floor(options.searchWindow ?? DEFAULT_SEARCH_WINDOW));
  const poolSize = path === ':memory:' ? 0 : Math.max(0, Math.floor(options.readPool ?? DEFAULT_READ_POOL_SIZE));
  const pool =
    poolSize > 0
      ? new ReadPool({ path, size: poolSize, busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS })
      : undefined;
  // The in-process vector index (search by meaning); its worker starts on the first indexed search.
  const vectorIndex =
    vectorsAvailable && !readonly && (options.vectorIndexBytes ?? 1) > 0
      ? new VectorIndex(options.vectorIndexBytes === undefined ? {} : { maxBytes: options.vectorIndexBytes })
      : undefined;
  const vectorReader =
    vectorIndex && path !== ':memory:'
      ? openVectorReader(path, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS)
      : undefined;
  const search = createSearch(
    ctx,
    window,
    pool && ((userId, query, opts) => pool.run({ kind: 'search', window, userId, query, options: opts })),
  );
  const searchJson = async (userId: string, query: string, opts: SearchOptions = {}): Promise<string> =>
    pool
      ? pool.run({ kind: 'searchJson', window, userId, query, options: opts })
      : JSON.stringify(await search(userId, query, opts));
  const optimizing = !readonly && options.optimize !== false;
  const stopOptimizing = !optimizing
    ? () => {}
    : keepOptimized(raw, options.optimizeIntervalMs ?? DEFAULT_OPTIMIZE_INTERVAL_MS);
  let closed = false;
  // Deleted files' chunks, deleted in batches after them; resumed now if a crash cut a purge short. A failed purge
  // is kept queued (tried again at the next delete or open) and its storage failure is what health reports.
  const purger = readonly ? undefined : createChunkPurger(ctx);
  const kick = () => purger?.kick();
  kick();

  return {
    backend: 'sqlite',
    path,
    db,
    vectorIndex,
    sessions: kickAfter(createSessionsRepository(ctx), ['delete'], kick),
    // Long reads (pages walked from the root, large pages, exports) run in the pool, off the event loop.
    messages: kickAfter(
      pool ? pooledMessages(createMessagesRepository(ctx), pool) : createMessagesRepository(ctx),
      ['delete', 'deleteSubtree'],
      kick,
    ),
    search: (userId, query, opts) => search(userId, query, opts),
    searchJson,
    users: kickAfter(createUsersRepository(ctx), ['delete'], kick),
    authSessions: createAuthSessionsRepository(ctx),
    apiKeys: createApiKeysRepository(ctx),
    maintenance: createMaintenanceRepository(ctx, path),
    processes: createProcessesRepository(ctx),
    attachments: kickAfter(createAttachmentsRepository(ctx, purger), ['deleteUnsent'], kick),
    vectors: createVectorsRepository(
      ctx,
      vectorsAvailable,
      pool && ((statement, params) => pool.run({ kind: 'all', sql: statement, params })),
      vectorIndex,
      vectorReader?.read,
    ),
    chunkVectors: createChunkVectorsRepository(ctx),
    transfer: pool ? pooledTransfer(createSqliteTransferRepository(ctx), pool) : createSqliteTransferRepository(ctx),
    async ping() {
      try {
        return sql.get<{ ok: number }>('SELECT 1 AS ok')?.ok === 1;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      stopOptimizing();
      await purger?.close();
      await pool?.close();
      await vectorIndex?.close();
      vectorReader?.close();
      sql.clear();
      if (raw.open && optimizing) {
        try {
          // Cheap on close, and keeps planner statistics current for long-lived databases.
          raw.pragma('optimize');
        } catch {
          // Closing must not fail because of a best-effort step.
        }
      }
      await db.destroy();
      if (raw.open) raw.close();
    },
  };
}
