import { execFile } from 'node:child_process';
import { redactText } from '../redact/index.js';

/** A PostgreSQL client program exited with an error; the message holds its stderr (passwords removed). */
export class PgToolError extends Error {
  override name = 'PgToolError';
}

/**
 * A connection URL for a client program's command line plus the environment carrying its password: other users
 * can read command lines in `ps`, but not another process's environment.
 */
export function pgConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/**
 * Runs `program args…` and resolves with its stdout; a non-zero exit rejects with a `PgToolError`.
 *
 * @example
 * const toc = await runPgTool('/usr/bin/pg_restore', ['--list', 'backup.dump']);
 */
export function runPgTool(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = redactText(String(stderr).trim() || error.message);
        reject(new PgToolError(`${program.split(/[\\/]/).pop()} failed: ${detail}`, { cause: error }));
      } else resolve(String(stdout));
    });
  });
}
