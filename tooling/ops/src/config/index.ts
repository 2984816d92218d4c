/** Paths and URLs every ops command reads from the environment, resolved against the repository root. */
import path from 'node:path';

/** Root of the checkout (tooling/ops/{src,dist}/config → four levels up), so commands work from any cwd. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Where the ops commands find the server, the database, logs and the pid file. */
export interface OpsConfig {
  repoRoot: string;
  /** SQLite file. Defaults to `data/chat_history.db` (DATABASE_PATH). Still locates the data folder on PostgreSQL. */
  databasePath: string;
  /**
   * PostgreSQL URL (DATABASE_URL): when set, the server and these commands use it instead of the SQLite file.
   * Holds the password: print `databaseLabel` instead. Defaults to none.
   */
  databaseUrl?: string;
  /** What to call the database in output: the SQLite path, or `PostgreSQL <host>/<db>` without credentials. */
  databaseLabel: string;
  /** Folder holding the database; backups and temp files live below it. */
  dataDir: string;
  /** Log folder. Defaults to `logs` (LOGS_DIR). */
  logsDir: string;
  /** Pid file of the running server. Defaults to `chat-studio-<instance>.pid` beside the database (PID_FILE). */
  pidFile: string;
  /** Backup folder. Defaults to `backups` beside the database (BACKUP_DIR), `data/backups` on PostgreSQL. */
  backupDir: string;
  /** Server base URL. Defaults to CHAT_STUDIO_URL, else `http://HOST:PORT` with 127.0.0.1:5000. */
  baseUrl: string;
  /** API key sent to a server with AUTH=on (CHAT_STUDIO_KEY, or `--key`). Defaults to none. */
  apiKey?: string;
  /** Folder of GGUF files. Defaults to `models` (MODELS_DIR). */
  modelsDir: string;
}

/**
 * `PostgreSQL <host>/<db>` for a database URL: never the user or password, so it is safe in any output.
 *
 * @example
 * postgresLabel('postgres://chat:secret@db.internal:5432/chat'); // 'PostgreSQL db.internal:5432/chat'
 */
export function postgresLabel(url: string): string {
  // By hand rather than with URL: WHATWG URL rejects libpq's socket form `postgres://user:pw@/db?host=/run/postgresql`.
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?/i.exec(url.trim());
  if (!m) return 'PostgreSQL (unparsable DATABASE_URL)';
  const query = new URLSearchParams(m[3] ?? '');
  const host = m[1] || query.get('host') || 'localhost';
  let db = m[2] ?? '';
  try {
    db = decodeURIComponent(db);
  } catch {
    // Shown as written.
  }
  return `PostgreSQL ${host}/${db || '(default database)'}`;
}

/** Resolves `p` from the repository root unless it is absolute. */
export function fromRoot(p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(REPO_ROOT, p);
}

/**
 * The pid file the server writes: PID_FILE, else `chat-studio-<instance>.pid` beside the database (`data/` by
 * default), the instance being INSTANCE, else PORT, else 5000 (as the server names itself).
 */
export function defaultPidFile(env: NodeJS.ProcessEnv, databasePath: string): string {
  if (env.PID_FILE) return fromRoot(env.PID_FILE);
  const dir = databasePath === ':memory:' ? fromRoot('data') : path.dirname(databasePath);
  return path.join(dir, `chat-studio-${instanceName(env)}.pid`);
}

/** INSTANCE, else PORT, else `5000`: the name of the server these commands talk to. */
export function instanceName(env: NodeJS.ProcessEnv): string {
  return env.INSTANCE?.trim() || env.PORT?.trim() || '5000';
}

/**
 * Reads the ops configuration from environment variables.
 *
 * @example
 * const config = loadOpsConfig({ DATABASE_PATH: '/srv/chat/chat_history.db', PORT: '5001' });
 * const shared = loadOpsConfig({ DATABASE_URL: 'postgres://chat:secret@db.internal/chat' }); // shared.databaseLabel: 'PostgreSQL db.internal/chat'
 */
export function loadOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const databasePath = fromRoot(env.DATABASE_PATH || 'data/chat_history.db');
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const dataDir = path.dirname(databasePath);
  const host = env.HOST && env.HOST !== '0.0.0.0' && env.HOST !== '::' ? env.HOST : '127.0.0.1';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    repoRoot: REPO_ROOT,
    databasePath,
    ...(databaseUrl ? { databaseUrl } : {}),
    databaseLabel: databaseUrl ? postgresLabel(databaseUrl) : databasePath,
    dataDir,
    logsDir: fromRoot(env.LOGS_DIR || 'logs'),
    pidFile: defaultPidFile(env, databasePath),
    backupDir: env.BACKUP_DIR ? fromRoot(env.BACKUP_DIR) : path.join(dataDir, 'backups'),
    baseUrl: (env.CHAT_STUDIO_URL || `http://${hostPart}:${env.PORT || '5000'}`).replace(/\/+$/, ''),
    ...(env.CHAT_STUDIO_KEY?.trim() ? { apiKey: env.CHAT_STUDIO_KEY.trim() } : {}),
    modelsDir: fromRoot(env.MODELS_DIR || 'models'),
  };
}
