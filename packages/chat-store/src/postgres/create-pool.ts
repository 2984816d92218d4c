/** Creates the pg pool the PostgreSQL store runs on. */
import type pg from 'pg';

// pg is loaded on the first pool, not at import: a SQLite server never pays for it at startup (issue #18).
let pgModule: typeof pg | undefined;

export interface CreatePoolOptions {
  url: string;
  max: number;
  readonly: boolean;
  /**
   * How long an idle connection stays open, in ms; 0 keeps it for the pool's life. Defaults to pg's 10 s. A new
   * connection's first statements cost several times their later runs (the server process has not yet touched the
   * shared buffers, caches or plans they need), so connections worth warming are kept.
   */
  idleTimeoutMillis?: number;
}

const INT8 = 20;

// Times are epoch milliseconds and counts are bigint: both fit a JS number, so parse them as numbers
// (per pool, so other pg users in the process keep pg's string default).
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return (value: string) => Number(value);
    return pgModule!.types.getTypeParser(oid, format as 'text');
  },
};

/** A pool whose clients parse int8 as numbers; read-only pools refuse writes at the server. */
export async function createPool(options: CreatePoolOptions): Promise<pg.Pool> {
  pgModule ??= (await import('pg')).default;
  const pool = new pgModule.Pool({
    connectionString: options.url,
    max: options.max,
    application_name: 'chat-studio',
    types: types as never,
    ...(options.idleTimeoutMillis !== undefined ? { idleTimeoutMillis: options.idleTimeoutMillis } : {}),
    ...(options.readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled it would crash the process.
  // The pool drops that client and the next query opens a fresh connection.
  pool.on('error', () => {});
  // A client checked out between two statements (inside a transaction) emits 'error' on itself when the server
  // shuts down; unhandled that crashed the process. Its next statement fails and the store answers 503 instead.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/** The URL without its password, for display. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/** `true` for `postgres://` and `postgresql://` URLs. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}
