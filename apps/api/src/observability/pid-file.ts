/** The pid file `pnpm stop` uses to find the running server. */
import { readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../config/index.js';

/**
 * The pid file path: PID_FILE (relative to the repo root), else `chat-studio-<instance>.pid` beside the database
 * (`data/chat-studio-5000.pid` by default; the instance is INSTANCE, else the port). Beside the database, so that
 * `pnpm stop --all` and `pnpm restore` find every process using it; named by instance, so that two processes on one
 * host never overwrite each other's file.
 */
export function resolvePidFile(
  env: NodeJS.ProcessEnv = process.env,
  databasePath = env.DATABASE_PATH || 'data/chat_history.db',
  instance = env.INSTANCE?.trim() || env.PORT?.trim() || '5000',
): string {
  if (env.PID_FILE) return path.resolve(REPO_ROOT, env.PID_FILE);
  const dir =
    databasePath === ':memory:' ? path.join(REPO_ROOT, 'data') : path.dirname(path.resolve(REPO_ROOT, databasePath));
  return path.join(dir, `chat-studio-${instance}.pid`);
}

/**
 * Writes this process's pid to `file` (atomically) so `pnpm stop` and `pnpm restore` can find the server.
 * Removes it again on process exit unless `removeOnExit` is false. Defaults to {@link resolvePidFile}.
 *
 * @example
 * const pidFile = writePidFile(resolvePidFile(process.env, config.databasePath));
 */
export function writePidFile(file = resolvePidFile(), options: { removeOnExit?: boolean } = {}): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n`);
  renameSync(tmp, file);
  if (options.removeOnExit ?? true) process.once('exit', () => removePidFile(file));
  return file;
}

/** Removes `file` if it still names this process (another server may have taken it over). */
export function removePidFile(file = resolvePidFile()): void {
  try {
    if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}
