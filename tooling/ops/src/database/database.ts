import { existsSync, rmSync, statSync } from 'node:fs';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';

/** The database file is missing or could not be opened as a Chat Studio store. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/**
 * Opens the store without writing (no migrations, no WAL switch), safe beside a running server.
 *
 * @example
 * const store = await openReadonlyStore('data/chat_history.db');
 */
export async function openReadonlyStore(path: string): Promise<ChatStore> {
  if (!existsSync(path)) throw new DatabaseOpenError(`Database file not found: ${path}`);
  try {
    return await openChatStore({ path, readonly: true });
  } catch (error) {
    throw new DatabaseOpenError(`Cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Opens the store for writing; a long busy timeout lets VACUUM and backups wait for the server's writes. */
export async function openWritableStore(path: string, busyTimeoutMs = 30_000): Promise<ChatStore> {
  if (!existsSync(path)) throw new DatabaseOpenError(`Database file not found: ${path}`);
  try {
    return await openChatStore({ path, busyTimeoutMs });
  } catch (error) {
    throw new DatabaseOpenError(`Cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One row of `sqlite_master`. */
export interface SchemaEntry {
  type: string;
  name: string;
  sql: string | null;
}

/** The schema as SQLite stores it; the typed query builder does not know `sqlite_master`, hence the loose cast. */
export async function readSchema(store: ChatStore): Promise<SchemaEntry[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = store.db as any;
  return (await db.selectFrom('sqlite_master').select(['type', 'name', 'sql']).orderBy('name').execute()) as SchemaEntry[];
}

/** `true` when `store` has the two tables every Chat Studio database must have. */
export async function hasChatTables(store: ChatStore): Promise<boolean> {
  const names = new Set((await readSchema(store)).filter((e) => e.type === 'table').map((e) => e.name));
  return names.has('chat_sessions') && names.has('chat_messages');
}

/**
 * Removes the empty `-wal` and the `-shm` a read-only open leaves beside a file nobody else uses (a backup), so
 * the backup is one self-contained file. Never call it on the live database: a server may hold it open.
 */
export function removeIdleSidecars(file: string): void {
  try {
    if (statSync(`${file}-wal`).size !== 0) return;
  } catch {
    // No WAL: the -shm alone is stale.
  }
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
}
