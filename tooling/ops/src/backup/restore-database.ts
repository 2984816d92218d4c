import { copyFile, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import path from 'node:path';
import type { HealthResponse } from '@chat-studio/protocol';
import { postgresLabel } from '../config/index.js';
import { hasChatTables, openReadonlyStore, openWritableStore, removeIdleSidecars } from '../database/index.js';
import { fetchJson } from '../http/index.js';
import { pgConnection, PgToolMissingError, requirePgTool, runPgTool } from '../pg-tools/index.js';
import { describeInstance, findInstances, runningServerPid } from '../process/index.js';
import { rotateSafetyCopies, safetyCopyPath } from './safety-copies.js';

export interface RestoreOptions {
  /** The backup to restore: a `.db` file, or on PostgreSQL a pg_dump custom-format `.dump`. */
  file: string;
  databasePath: string;
  /** PostgreSQL URL (DATABASE_URL): restore the dump into that database with pg_restore. Defaults to none. */
  databaseUrl?: string;
  /** Where the current data is kept as `before-restore-<database>-<time>.db|.dump`. Defaults to `backups/` beside `databasePath`. */
  backupDir?: string;
  /** Safety copies kept per database, newest first (0 keeps all). Defaults to 7, like backups. */
  keep?: number;
  pidFile: string;
  /** Folder searched for other instances' pid files. Defaults to the database's folder. */
  dataDir?: string;
  /** Server URL probed to refuse while it runs. */
  baseUrl: string;
  log?: (line: string) => void;
}

export interface RestoreResult {
  /** The SQLite file, or `PostgreSQL <host>/<db>` (no credentials). */
  databasePath: string;
  /** Copy of the database that was replaced (a `.dump` on PostgreSQL), or null when there was none. */
  previousCopy: string | null;
  /** Older safety copies of the same database deleted to keep the newest `keep`. */
  removedCopies: string[];
  sessions: number;
  messages: number;
}

/** Restoring was refused (server running, bad backup); nothing was changed. */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

/**
 * Reasons a server of this database looks alive: a live pid in the pid file, an answer on /health, or any other
 * instance found by `findInstances` (pid files beside the database, the registry in it; other hosts included).
 */
export async function serverRunningReasons(
  pidFile: string,
  baseUrl: string,
  database?: { dataDir: string; target: string },
): Promise<string[]> {
  const reasons: string[] = [];
  const pid = runningServerPid(pidFile);
  if (pid !== null) reasons.push(`process ${pid} from ${pidFile} is running`);
  if (database) {
    for (const i of await findInstances({ ...database, pidFile })) {
      if (i.alive && i.pid !== pid) reasons.push(`instance ${describeInstance(i)} is running`);
    }
  }
  const health = await fetchJson<HealthResponse>(`${baseUrl}/health`, 1500);
  if (health.reachable) reasons.push(`${baseUrl}/health answers (HTTP ${health.status})`);
  return reasons;
}

async function verifyBackup(file: string): Promise<{ sessions: number; messages: number }> {
  if (!existsSync(file)) throw new RestoreRefusedError(`Backup file not found: ${file}`);
  let store;
  try {
    store = await openReadonlyStore(file);
  } catch (error) {
    throw new RestoreRefusedError(`Not a usable Chat Studio database: ${(error as Error).message}`);
  }
  try {
    const integrity = await store.maintenance.integrityCheck();
    if (!integrity.ok)
      throw new RestoreRefusedError(`${file} failed integrity_check: ${integrity.messages.slice(0, 3).join('; ')}`);
    if (!(await hasChatTables(store)))
      throw new RestoreRefusedError(`${file} has no chat_sessions/chat_messages tables`);
    const stats = await store.maintenance.stats();
    return { sessions: stats.sessions, messages: stats.messages };
  } catch (error) {
    if (error instanceof RestoreRefusedError) throw error;
    throw new RestoreRefusedError(`${file} cannot be read: ${(error as Error).message}`);
  } finally {
    await store.close();
    removeIdleSidecars(file);
  }
}

/** The database name of a PostgreSQL URL (`postgres://…/chat_studio` → `chat_studio`), which names its safety copies. */
function postgresDatabaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return 'postgres';
  }
}

/** The name safety copies of this SQLite file carry: `chat_history.db` → `chat_history`. */
function sqliteName(databasePath: string): string {
  return path.basename(databasePath).replace(/\.(db|sqlite3?)$/i, '');
}

/** Keeps the current database as a safety copy: the online backup folds in the WAL; a damaged file is copied raw. */
async function keepCurrent(databasePath: string, backupDir: string, log: (l: string) => void): Promise<string | null> {
  if (!existsSync(databasePath)) return null;
  await mkdir(backupDir, { recursive: true });
  const target = safetyCopyPath(backupDir, sqliteName(databasePath), '.db');
  try {
    const current = await openReadonlyStore(databasePath);
    try {
      await current.maintenance.backup(target);
    } finally {
      await current.close();
    }
    removeIdleSidecars(target);
  } catch (error) {
    log(`current database cannot be read (${(error as Error).message}); copying its files as they are`);
    await promisify(copyFile)(databasePath, target);
    if (existsSync(`${databasePath}-wal`)) await promisify(copyFile)(`${databasePath}-wal`, `${target}-wal`);
  }
  return target;
}

/** `pg_restore --list` of `file`; refuses files that are not pg_dump archives of a Chat Studio database. */
async function verifyDump(pgRestore: string, file: string): Promise<string> {
  if (!existsSync(file)) throw new RestoreRefusedError(`Backup file not found: ${file}`);
  let toc: string;
  try {
    toc = await runPgTool(pgRestore, ['--list', file]);
  } catch (error) {
    throw new RestoreRefusedError(
      `${file} is not a readable pg_dump archive (make one with \`pnpm backup\`): ${(error as Error).message}`,
    );
  }
  for (const table of ['chat_sessions', 'chat_messages']) {
    if (!new RegExp(`^\\d+; .*\\bTABLE \\S+ ${table}(\\s|$)`, 'm').test(toc))
      throw new RestoreRefusedError(`${file} has no ${table} table`);
  }
  return toc;
}

/** Dumps the current data beside the backups before it is replaced; an empty or unmigrated database has none to keep. */
async function keepCurrentPostgres(url: string, backupDir: string, log: (l: string) => void): Promise<string | null> {
  let store;
  try {
    store = await openReadonlyStore(url);
  } catch (error) {
    log(`the current database holds no Chat Studio data to keep (${(error as Error).message})`);
    return null;
  }
  const target = safetyCopyPath(backupDir, postgresDatabaseName(url), '.dump');
  try {
    await store.maintenance.backup(target);
    return target;
  } catch (error) {
    throw new RestoreRefusedError(
      `Cannot keep a copy of the current database before replacing it: ${(error as Error).message}`,
    );
  } finally {
    await store.close();
  }
}

async function restorePostgres(
  options: RestoreOptions & { databaseUrl: string },
  log: (l: string) => void,
): Promise<RestoreResult> {
  const label = postgresLabel(options.databaseUrl);
  let pgRestore: string;
  try {
    pgRestore = requirePgTool('pg_restore');
  } catch (error) {
    if (error instanceof PgToolMissingError)
      throw new RestoreRefusedError(`Restoring a PostgreSQL backup needs pg_restore: ${error.message}`);
    throw error;
  }
  const file = path.resolve(options.file);
  log(`verifying ${file} with pg_restore --list …`);
  const toc = await verifyDump(pgRestore, file);

  const backupDir = options.backupDir ?? path.join(path.dirname(options.databasePath), 'backups');
  await mkdir(backupDir, { recursive: true });
  const previousCopy = await keepCurrentPostgres(options.databaseUrl, backupDir, log);
  if (previousCopy) log(`kept the current data of ${label} as ${previousCopy}`);
  const removedCopies = previousCopy
    ? await rotateSafetyCopies(backupDir, postgresDatabaseName(options.databaseUrl), options.keep ?? 7)
    : [];

  // Extensions come first and on their own: the store's search configuration needs unaccent (which a database
  // owner may create), while others such as amcheck need a superuser and are only nice to have; a failure there
  // is reported, not fatal. Without extensions in the main list (their DROP and COMMENT need ownership), one
  // transaction can hold the whole replacement: all of it, or nothing when something is missing.
  const lines = toc.split('\n');
  const extensions = lines.filter((line) => /^\d+; \d+ \d+ EXTENSION /.test(line));
  const main = lines.filter((line) => !/\bEXTENSION\b/.test(line));
  const { dbname, env } = pgConnection(options.databaseUrl);
  const work = await mkdtemp(path.join(os.tmpdir(), 'chat-studio-restore-'));
  try {
    if (extensions.length > 0) {
      const extensionList = path.join(work, 'extensions.list');
      await writeFile(extensionList, `${extensions.join('\n')}\n`);
      try {
        await runPgTool(pgRestore, ['--no-owner', `--use-list=${extensionList}`, `--dbname=${dbname}`, file], env);
      } catch (error) {
        log(
          `some extensions could not be created (the restore goes on; it fails if the data needs them): ${(error as Error).message}`,
        );
      }
    }
    const mainList = path.join(work, 'toc.list');
    await writeFile(mainList, `${main.join('\n')}\n`);
    log(`pg_restore --clean --if-exists --no-owner into ${label} …`);
    await runPgTool(
      pgRestore,
      [
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        `--use-list=${mainList}`,
        `--dbname=${dbname}`,
        file,
      ],
      env,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  // Opening writable applies migrations a backup from an older version may lack.
  const restored = await openWritableStore(options.databaseUrl);
  try {
    const integrity = await restored.maintenance.integrityCheck();
    if (!integrity.ok) throw new Error(`restored database failed amcheck: ${integrity.messages.join('; ')}`);
    const stats = await restored.maintenance.stats();
    return { databasePath: label, previousCopy, removedCopies, sessions: stats.sessions, messages: stats.messages };
  } finally {
    await restored.close();
  }
}

/**
 * Replaces the database with a backup. Refuses while the server runs (pid file or /health) and when the backup
 * fails integrity_check or lacks the chat tables. Keeps the current database as a safety copy
 * `<backupDir>/before-restore-<name>-<time>.db` (the newest `keep` per database), removes its stale `-wal`/`-shm`,
 * and moves the new file into place with a rename.
 *
 * With `databaseUrl` (PostgreSQL) the backup is a pg_dump archive: it is checked with `pg_restore --list`, the
 * current data is dumped to `<backupDir>/before-restore-<dbname>-<time>.dump`, then `pg_restore --clean --if-exists
 * --no-owner` replaces the tables in one transaction. A missing pg_restore is a `RestoreRefusedError` saying how to
 * install it.
 *
 * @example
 * await restoreDatabase({ file: 'data/backups/chat_history-2026-05-01T10-00-00-000Z.db', ...loadOpsConfig() });
 */
export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const log = options.log ?? (() => {});
  const target = options.databaseUrl ?? options.databasePath;
  const running = await serverRunningReasons(options.pidFile, options.baseUrl, {
    dataDir: options.dataDir ?? path.dirname(options.databasePath),
    target,
  });
  if (running.length) {
    throw new RestoreRefusedError(
      `The server is running (${running.join('; ')}); stop every instance first with \`pnpm stop --all\` (on every host)`,
    );
  }
  if (options.databaseUrl) return restorePostgres({ ...options, databaseUrl: options.databaseUrl }, log);

  const file = path.resolve(options.file);
  log(`verifying ${file} …`);
  await verifyBackup(file);

  const backupDir = options.backupDir ?? path.join(path.dirname(options.databasePath), 'backups');
  const previousCopy = await keepCurrent(options.databasePath, backupDir, log);
  if (previousCopy) log(`kept the current database as ${previousCopy}`);
  const removedCopies = previousCopy
    ? await rotateSafetyCopies(backupDir, sqliteName(options.databasePath), options.keep ?? 7)
    : [];

  // Copy through the backup API into the target folder, then rename: the swap is atomic and a -wal beside the
  // backup file is folded in.
  const staging = `${options.databasePath}.restoring`;
  await rm(staging, { force: true });
  const source = await openReadonlyStore(file);
  try {
    await source.maintenance.backup(staging);
  } finally {
    await source.close();
    removeIdleSidecars(file);
  }
  removeIdleSidecars(staging);
  await rm(`${options.databasePath}-wal`, { force: true });
  await rm(`${options.databasePath}-shm`, { force: true });
  await rename(staging, options.databasePath);

  // Opening writable applies migrations a backup from an older version may lack.
  const restored = await openWritableStore(options.databasePath);
  try {
    const integrity = await restored.maintenance.integrityCheck();
    if (!integrity.ok) throw new Error(`restored database failed integrity_check: ${integrity.messages.join('; ')}`);
    const stats = await restored.maintenance.stats();
    return {
      databasePath: options.databasePath,
      previousCopy,
      removedCopies,
      sessions: stats.sessions,
      messages: stats.messages,
    };
  } finally {
    await restored.close();
  }
}
