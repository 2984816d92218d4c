import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Deletes entries in `dir` older than `minAgeMs` (so files a running server is writing right now survive).
 * A missing folder is not an error. Defaults to one hour.
 */
export async function cleanTempDir(
  dir: string,
  minAgeMs = 60 * 60 * 1000,
): Promise<{ removed: number; bytes: number }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { removed: 0, bytes: 0 };
  }
  let removed = 0;
  let bytes = 0;
  const cutoff = Date.now() - minAgeMs;
  for (const name of names) {
    const full = path.join(dir, name);
    try {
      const s = await stat(full);
      if (s.mtimeMs > cutoff) continue;
      bytes += s.isDirectory() ? 0 : s.size;
      await rm(full, { recursive: true, force: true });
      removed++;
    } catch {
      // Vanished meanwhile or not ours to delete: skip it.
    }
  }
  return { removed, bytes };
}
