/** The database file cannot be used as asked: busy, full, read-only or damaged. Each carries what to do. */
import { ChatStoreError } from './chat-store-error.js';

/** Which storage failure an error is; the API maps each to its own status (503, 507). */
export type StorageFailure = 'database_busy' | 'storage_full' | 'storage_read_only' | 'storage_corrupt';

/** Base of the storage failures; `failure` says which one. */
export class StorageError extends ChatStoreError {
  override readonly name: string = 'StorageError';
  /** The failure is the protocol error code. */
  override readonly code: StorageFailure;
  constructor(
    readonly failure: StorageFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = failure;
  }
}

/** Another connection held the write lock for the whole busy timeout. Retry shortly. */
export class DatabaseBusyError extends StorageError {
  override readonly name = 'DatabaseBusyError';
  /** Seconds after which a retry is likely to find the lock free. */
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds = 5, options?: ErrorOptions) {
    super(
      'database_busy',
      'The database is locked by another connection (a long write, a `sqlite3` shell with an open transaction, or maintenance); retry shortly',
      options,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The disk (or the database's size limit) is full; nothing more can be written. */
export class StorageFullError extends StorageError {
  override readonly name = 'StorageFullError';
  constructor(options?: ErrorOptions) {
    super(
      'storage_full',
      'The database cannot grow: the disk is full. Free disk space (or move DATABASE_PATH), then retry',
      options,
    );
  }
}

/** The database file or its folder is read-only; reads work, writes cannot. */
export class StorageReadOnlyError extends StorageError {
  override readonly name = 'StorageReadOnlyError';
  constructor(options?: ErrorOptions) {
    super(
      'storage_read_only',
      'The database is read-only: make the file, its -wal/-shm files and its folder writable by the server user, then restart the server',
      options,
    );
  }
}

/** A page of the database is damaged. */
export class StorageCorruptError extends StorageError {
  override readonly name = 'StorageCorruptError';
  constructor(options?: ErrorOptions) {
    super(
      'storage_corrupt',
      'The database file is damaged: stop the server and restore a backup (`pnpm restore`); `pnpm health` shows the integrity check',
      options,
    );
  }
}

/** SQLite primary codes (better-sqlite3's `code` is the extended name, e.g. `SQLITE_READONLY_DBMOVED`) and PostgreSQL SQLSTATEs. */
function failureOf(code: string): StorageFailure | null {
  // A storage error rebuilt from another thread (the read pool) carries its failure as its code.
  if (code === 'database_busy' || code === 'storage_full' || code === 'storage_read_only' || code === 'storage_corrupt')
    return code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === '55P03') return 'database_busy';
  if (code.startsWith('SQLITE_FULL') || code === '53100') return 'storage_full';
  if (code.startsWith('SQLITE_READONLY') || code === '25006') return 'storage_read_only';
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB') || code === 'XX001' || code === 'XX002')
    return 'storage_corrupt';
  return null;
}

/**
 * The storage error a driver error stands for, or `undefined` when it is something else.
 *
 * @example
 * try { stmt.run(); } catch (e) { throw toStorageError(e) ?? e; }
 */
export function toStorageError(error: unknown, busyRetryAfterSeconds = 5): StorageError | undefined {
  if (error instanceof StorageError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const failure = failureOf(code);
  const options = { cause: error };
  switch (failure) {
    case 'database_busy':
      return new DatabaseBusyError(busyRetryAfterSeconds, options);
    case 'storage_full':
      return new StorageFullError(options);
    case 'storage_read_only':
      return new StorageReadOnlyError(options);
    case 'storage_corrupt':
      return new StorageCorruptError(options);
    default:
      return undefined;
  }
}
