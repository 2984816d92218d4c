/**
 * Safety copies: what `pnpm restore` keeps of the data it replaces, one file per restore, named with the database
 * and the time (`before-restore-<database>-<time>.db|.dump` in the backup folder), the newest N kept like backups.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileTimestamp } from '../format/index.js';

/** Every safety copy's name starts with this, so backups (`chat_history-<time>`) and copies never mix. */
export const SAFETY_COPY_PREFIX = 'before-restore-';

const NAME = /^before-restore-(.+)-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)\.(db|dump)$/;

export interface SafetyCopy {
  file: string;
  /** The database it was taken from: the SQLite file's base name or the PostgreSQL database name. */
  database: string;
  /** When the restore took it (ISO). */
  takenAt: string;
  sizeBytes: number;
}

/** A database name made safe for a file name. */
function fileSafe(database: string): string {
  return database.replace(/[^A-Za-z0-9_.-]+/g, '_') || 'database';
}

/**
 * Where the next safety copy of `database` goes.
 *
 * @example
 * safetyCopyPath('data/backups', 'chat_studio', '.dump'); // data/backups/before-restore-chat_studio-2026-…Z.dump
 */
export function safetyCopyPath(
  backupDir: string,
  database: string,
  extension: '.db' | '.dump',
  now = new Date(),
): string {
  return path.join(backupDir, `${SAFETY_COPY_PREFIX}${fileSafe(database)}-${fileTimestamp(now)}${extension}`);
}

/** The safety copies in `backupDir`, newest first; `database` keeps only that database's. */
export async function listSafetyCopies(backupDir: string, database?: string): Promise<SafetyCopy[]> {
  let names: string[];
  try {
    names = await readdir(backupDir);
  } catch {
    return [];
  }
  const copies: SafetyCopy[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m || (database !== undefined && m[1] !== fileSafe(database))) continue;
    const file = path.join(backupDir, name);
    const takenAt = m[2]!.replace(/T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/, 'T$1:$2:$3.$4Z');
    copies.push({ file, database: m[1]!, takenAt, sizeBytes: (await stat(file)).size });
  }
  return copies.sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
}

/** Deletes all but the newest `keep` safety copies of `database` (0 keeps all); returns the files removed. */
export async function rotateSafetyCopies(backupDir: string, database: string, keep: number): Promise<string[]> {
  if (keep <= 0) return [];
  const old = (await listSafetyCopies(backupDir, database)).slice(keep).map((c) => c.file);
  for (const file of old) {
    await rm(file, { force: true });
    await rm(`${file}-wal`, { force: true });
    await rm(`${file}-shm`, { force: true });
  }
  return old;
}
