import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { openReadonlyStore, removeIdleSidecars } from '../database/index.js';
import { fileTimestamp } from '../format/index.js';
import { findPgTool, runPgTool } from '../pg-tools/index.js';

export interface BackupOptions {
  databasePath: string;
  /** PostgreSQL URL (DATABASE_URL): back up that database with pg_dump instead of the SQLite file. Defaults to none. */
  databaseUrl?: string;
  backupDir: string;
  /** How many backups to keep, newest first; older ones are deleted. Defaults to 7. */
  keep?: number;
  /** Clock for the file name. Defaults to now. */
  now?: Date;
}

export interface BackupResult {
  file: string;
  sizeBytes: number;
  /** Rows in the backup (on PostgreSQL: counted as the dump started; the dump is one consistent snapshot). */
  sessions: number;
  messages: number;
  /** `false` only on PostgreSQL when pg_restore is missing, so the dump's table of contents could not be read back. */
  verified: boolean;
  /** Older backups deleted by rotation. */
  removed: string[];
}

/** The backup found to be unusable (integrity or tables); it is deleted. */
export class BackupVerifyError extends Error {
  override name = 'BackupVerifyError';
}

/** Prefix of every PostgreSQL dump: the server's database name is not part of it, as with the default SQLite file. */
const POSTGRES_BASE_NAME = 'chat_history';
/** Extension of pg_dump's custom-format archives. */
export const DUMP_EXTENSION = '.dump';

/** `chat_history.db` → `chat_history`: the prefix of every backup of that database. */
function baseName(databasePath: string): string {
  return path.basename(databasePath).replace(/\.(db|sqlite3?)$/i, '');
}

/**
 * Backups of `databasePath` in `backupDir`, oldest first (the timestamp in the name sorts by time): `<name>-*.db`,
 * or with `extension` `.dump` the PostgreSQL dumps `chat_history-*.dump`.
 */
export async function listBackups(
  databasePath: string,
  backupDir: string,
  extension: '.db' | '.dump' = '.db',
): Promise<string[]> {
  const prefix = `${extension === DUMP_EXTENSION ? POSTGRES_BASE_NAME : baseName(databasePath)}-`;
  let names: string[];
  try {
    names = await readdir(backupDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith(extension))
    .sort()
    .map((n) => path.join(backupDir, n));
}

/** Deletes all but the newest `keep` backups (never `file`, the one just made); 0 keeps all. */
async function rotate(all: string[], file: string, keep: number): Promise<string[]> {
  const removed = keep > 0 ? all.slice(0, Math.max(0, all.length - keep)).filter((f) => f !== file) : [];
  for (const old of removed) for (const f of [old, `${old}-wal`, `${old}-shm`]) await rm(f, { force: true });
  return removed;
}

/**
 * Reads the dump's table of contents back with `pg_restore --list`: a truncated or foreign file fails here, and a
 * dump without the chat tables' data is no backup. `false` when pg_restore is not installed.
 */
export async function verifyDump(file: string): Promise<boolean> {
  const pgRestore = findPgTool('pg_restore');
  if (!pgRestore) return false;
  let toc: string;
  try {
    toc = await runPgTool(pgRestore, ['--list', file]);
  } catch (error) {
    throw new BackupVerifyError(`${file} is not a readable pg_dump archive: ${(error as Error).message}`);
  }
  for (const table of ['chat_sessions', 'chat_messages']) {
    if (!new RegExp(`TABLE DATA \\S+ ${table}(\\s|$)`, 'm').test(toc))
      throw new BackupVerifyError(`${file} holds no data for ${table}`);
  }
  return true;
}

async function backupPostgres(options: BackupOptions & { databaseUrl: string }, keep: number): Promise<BackupResult> {
  const file = path.join(options.backupDir, `${POSTGRES_BASE_NAME}-${fileTimestamp(options.now)}${DUMP_EXTENSION}`);
  const source = await openReadonlyStore(options.databaseUrl);
  let stats;
  try {
    stats = await source.maintenance.stats();
    // pg_dump --format=custom through the store; a missing pg_dump is a ChatStoreError that says how to install it.
    await source.maintenance.backup(file);
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  } finally {
    await source.close();
  }
  let verified: boolean;
  try {
    verified = await verifyDump(file);
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  const removed = await rotate(await listBackups(options.databasePath, options.backupDir, DUMP_EXTENSION), file, keep);
  return {
    file,
    sizeBytes: (await stat(file)).size,
    sessions: stats.sessions,
    messages: stats.messages,
    verified,
    removed,
  };
}

/**
 * Copies the live database with SQLite's online backup (the server keeps writing meanwhile) to
 * `<backupDir>/<name>-<timestamp>.db`, checks the copy, then deletes all but the newest `keep` backups.
 * With `databaseUrl` it runs pg_dump (custom format, one consistent snapshot while the API keeps writing) to
 * `<backupDir>/chat_history-<timestamp>.dump`, checks it with `pg_restore --list`, and rotates the same way.
 *
 * @example
 * const { file } = await backupDatabase({ databasePath: 'data/chat_history.db', backupDir: 'data/backups', keep: 7 });
 * await backupDatabase({ ...loadOpsConfig(), databaseUrl: 'postgres://chat:secret@db.internal/chat' });
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const keep = options.keep ?? 7;
  if (options.databaseUrl) return backupPostgres({ ...options, databaseUrl: options.databaseUrl }, keep);
  const file = path.join(options.backupDir, `${baseName(options.databasePath)}-${fileTimestamp(options.now)}.db`);
  const source = await openReadonlyStore(options.databasePath);
  try {
    await source.maintenance.backup(file);
  } finally {
    await source.close();
  }

  const copy = await openReadonlyStore(file);
  let stats;
  try {
    const integrity = await copy.maintenance.integrityCheck();
    if (!integrity.ok)
      throw new BackupVerifyError(
        `backup ${file} failed integrity_check: ${integrity.messages.slice(0, 3).join('; ')}`,
      );
    stats = await copy.maintenance.stats();
  } catch (error) {
    await copy.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) await rm(f, { force: true });
    throw error;
  }
  await copy.close();
  removeIdleSidecars(file);

  const removed = await rotate(await listBackups(options.databasePath, options.backupDir), file, keep);
  return {
    file,
    sizeBytes: (await stat(file)).size,
    sessions: stats.sessions,
    messages: stats.messages,
    verified: true,
    removed,
  };
}
