import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { openReadonlyStore, removeIdleSidecars } from '../database/index.js';
import { fileTimestamp } from '../format/index.js';

export interface BackupOptions {
  databasePath: string;
  backupDir: string;
  /** How many backups to keep, newest first; older ones are deleted. Defaults to 7. */
  keep?: number;
  /** Clock for the file name. Defaults to now. */
  now?: Date;
}

export interface BackupResult {
  file: string;
  sizeBytes: number;
  sessions: number;
  messages: number;
  /** Older backups deleted by rotation. */
  removed: string[];
}

/** The backup found to be unusable (integrity or tables); it is deleted. */
export class BackupVerifyError extends Error {
  override name = 'BackupVerifyError';
}

/** `chat_history.db` → `chat_history`: the prefix of every backup of that database. */
function baseName(databasePath: string): string {
  return path.basename(databasePath).replace(/\.(db|sqlite3?)$/i, '');
}

/** Backups of `databasePath` in `backupDir`, oldest first (the timestamp in the name sorts by time). */
export async function listBackups(databasePath: string, backupDir: string): Promise<string[]> {
  const prefix = `${baseName(databasePath)}-`;
  let names: string[];
  try {
    names = await readdir(backupDir);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(prefix) && n.endsWith('.db')).sort().map((n) => path.join(backupDir, n));
}

/**
 * Copies the live database with SQLite's online backup (the server keeps writing meanwhile) to
 * `<backupDir>/<name>-<timestamp>.db`, checks the copy, then deletes all but the newest `keep` backups.
 *
 * @example
 * const { file } = await backupDatabase({ databasePath: 'data/chat_history.db', backupDir: 'data/backups', keep: 7 });
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const keep = options.keep ?? 7;
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
    if (!integrity.ok) throw new BackupVerifyError(`backup ${file} failed integrity_check: ${integrity.messages.slice(0, 3).join('; ')}`);
    stats = await copy.maintenance.stats();
  } catch (error) {
    await copy.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) await rm(f, { force: true });
    throw error;
  }
  await copy.close();
  removeIdleSidecars(file);

  const all = await listBackups(options.databasePath, options.backupDir);
  const removed = keep > 0 ? all.slice(0, Math.max(0, all.length - keep)).filter((f) => f !== file) : [];
  for (const old of removed) for (const f of [old, `${old}-wal`, `${old}-shm`]) await rm(f, { force: true });
  return { file, sizeBytes: (await stat(file)).size, sessions: stats.sessions, messages: stats.messages, removed };
}
