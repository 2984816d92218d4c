import { copyFile, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import type { HealthResponse } from '@chat-studio/protocol';
import { hasChatTables, openReadonlyStore, openWritableStore, removeIdleSidecars } from '../database/index.js';
import { fetchJson } from '../http/index.js';
import { runningServerPid } from '../process/index.js';

export interface RestoreOptions {
  /** The backup to restore. */
  file: string;
  databasePath: string;
  pidFile: string;
  /** Server URL probed to refuse while it runs. */
  baseUrl: string;
  log?: (line: string) => void;
}

export interface RestoreResult {
  databasePath: string;
  /** Copy of the database that was replaced, or null when there was none. */
  previousCopy: string | null;
  sessions: number;
  messages: number;
}

/** Restoring was refused (server running, bad backup); nothing was changed. */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

/** Reasons the server looks alive: a live pid in the pid file, or an answer on /health. */
export async function serverRunningReasons(pidFile: string, baseUrl: string): Promise<string[]> {
  const reasons: string[] = [];
  const pid = runningServerPid(pidFile);
  if (pid !== null) reasons.push(`process ${pid} from ${pidFile} is running`);
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
    if (!integrity.ok) throw new RestoreRefusedError(`${file} failed integrity_check: ${integrity.messages.slice(0, 3).join('; ')}`);
    if (!(await hasChatTables(store))) throw new RestoreRefusedError(`${file} has no chat_sessions/chat_messages tables`);
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

/** Keeps the current database as `<db>.before-restore`: the online backup folds in the WAL; a damaged file is copied raw. */
async function keepCurrent(databasePath: string, log: (l: string) => void): Promise<string | null> {
  if (!existsSync(databasePath)) return null;
  const target = `${databasePath}.before-restore`;
  await rm(target, { force: true });
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

/**
 * Replaces the database with a backup. Refuses while the server runs (pid file or /health) and when the backup
 * fails integrity_check or lacks the chat tables. Keeps the current database as `<db>.before-restore`, removes
 * its stale `-wal`/`-shm`, and moves the new file into place with a rename.
 *
 * @example
 * await restoreDatabase({ file: 'data/backups/chat_history-2026-05-01T10-00-00-000Z.db', ...loadOpsConfig() });
 */
export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const log = options.log ?? (() => {});
  const running = await serverRunningReasons(options.pidFile, options.baseUrl);
  if (running.length) throw new RestoreRefusedError(`The server is running (${running.join('; ')}); stop it first with \`pnpm stop\``);

  const file = path.resolve(options.file);
  log(`verifying ${file} …`);
  await verifyBackup(file);

  const previousCopy = await keepCurrent(options.databasePath, log);
  if (previousCopy) log(`kept the current database as ${previousCopy}`);

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
    return { databasePath: options.databasePath, previousCopy, sessions: stats.sessions, messages: stats.messages };
  } finally {
    await restored.close();
  }
}
