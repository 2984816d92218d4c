/** Throwaway folders for a test's files. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  /** Absolute path of the new, empty folder. */
  dir: string;
  /** Removes the folder and everything in it; safe to call twice. */
  cleanup: () => void;
}

/**
 * A fresh folder under the OS temp folder. Defaults to the prefix `chat-studio-`.
 *
 * @example
 * const tmp = tempDir();
 * afterAll(() => tmp.cleanup());
 * const db = path.join(tmp.dir, 'chat_history.db');
 */
export function tempDir(prefix = 'chat-studio-'): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
