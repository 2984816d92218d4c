/** The pid file `pnpm stop` uses to find the running server. */
import { readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../config/index.js';

/**
 * The pid file path: PID_FILE (relative to the repo root), else `chat-studio.pid` beside the database, which is
 * `data/chat-studio.pid` by default. Keeping it beside the database gives every database its own server.
 */
export function resolvePidFile(env: NodeJS.ProcessEnv = process.env, databasePath = env.DATABASE_PATH || 'data/chat_history.db'): string {
  if (env.PID_FILE) return path.resolve(REPO_ROOT, env.PID_FILE);
  const dir = databasePath === ':memory:' ? path.join(REPO_ROOT, 'data') : path.dirname(path.resolve(REPO_ROOT, databasePath));
  return path.join(dir, 'chat-studio.pid');
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
