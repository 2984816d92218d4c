/** Opens the better-sqlite3 handle with the pragmas every connection needs. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface OpenDatabaseOptions {
  /** `:memory:` or a file path. */
  path: string;
  busyTimeoutMs: number;
  readonly: boolean;
}

/** Resolves the database path: `:memory:` stays, anything else becomes absolute from the cwd. */
export function resolveDatabasePath(path: string | undefined): string {
  const p = path ?? 'data/chat_history.db';
  return p === ':memory:' ? p : resolve(p);
}

/**
 * Opens the database and applies the pragmas. WAL lets readers run beside one writer (and across processes);
 * busy_timeout makes a second writer wait instead of failing with SQLITE_BUSY; synchronous=NORMAL is durable
 * across application crashes in WAL mode and much faster than FULL.
 */
export function openDatabase(options: OpenDatabaseOptions): Database.Database {
  const { path, busyTimeoutMs, readonly } = options;
  if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
  try {
    raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    if (path !== ':memory:' && !readonly) raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('synchronous = NORMAL');
  } catch (error) {
    raw.close();
    throw error;
  }
  return raw;
}
