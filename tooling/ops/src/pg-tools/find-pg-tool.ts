import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** A PostgreSQL client program (pg_restore, pg_dump) is not installed. */
export class PgToolMissingError extends Error {
  override name = 'PgToolMissingError';
  constructor(readonly tool: string) {
    super(
      `${tool} is not installed; it comes with the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client, macOS: brew install libpq)`,
    );
  }
}

export interface FindPgToolOptions {
  /** Folders searched first. Defaults to `process.env.PATH`. */
  searchPath?: string;
  /** Where Debian's postgresql packages put each major version's `bin/`. Defaults to `/usr/lib/postgresql`. */
  versionsRoot?: string;
}

/**
 * The path of a PostgreSQL client program: on PATH, else the newest `/usr/lib/postgresql/<major>/bin` copy (Debian
 * installs the server's tools there without linking all of them onto PATH). `undefined` when there is none.
 *
 * @example
 * const pgRestore = findPgTool('pg_restore'); // '/usr/bin/pg_restore'
 */
export function findPgTool(tool: string, options: FindPgToolOptions = {}): string | undefined {
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool;
  for (const dir of (options.searchPath ?? process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, exe))) return path.join(dir, exe);
  }
  const root = options.versionsRoot ?? '/usr/lib/postgresql';
  try {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(path.join(root, v, 'bin', exe))) return path.join(root, v, 'bin', exe);
  } catch {
    // No Debian layout here.
  }
  return undefined;
}

/** Like `findPgTool`, but a missing program is a `PgToolMissingError` that says how to install it. */
export function requirePgTool(tool: string, options: FindPgToolOptions = {}): string {
  const found = findPgTool(tool, options);
  if (!found) throw new PgToolMissingError(tool);
  return found;
}
