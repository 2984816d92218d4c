/** Throwaway PostgreSQL databases on the test server at DATABASE_URL_TEST (`eval "$(.ci/services)"` starts one). */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './repo-root.js';

interface PgClient {
  connect(): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  end(): Promise<void>;
}
type PgModule = { Client: new (options: { connectionString: string }) => PgClient };

let pg: PgModule | undefined;
// The driver is the chat store's own dependency; borrowing it keeps test-support free of dependencies, and loading
// it on first use keeps suites without PostgreSQL from needing it at all.
function driver(): PgModule {
  pg ??= createRequire(path.join(REPO_ROOT, 'packages/chat-store/package.json'))('pg') as PgModule;
  return pg;
}

export class PostgresTestServerError extends Error {
  override name = 'PostgresTestServerError';
}

/**
 * The test server's admin URL: env DATABASE_URL_TEST, trimmed. Defaults to `undefined` when unset.
 *
 * @example
 * const admin = postgresTestUrl();
 */
export function postgresTestUrl(): string | undefined {
  return process.env.DATABASE_URL_TEST?.trim() || undefined;
}

/**
 * Why `suite` will not run, or `undefined` when DATABASE_URL_TEST is set. Under CI=true a missing server throws,
 * so a broken CI setup cannot pass by skipping. Defaults to the suite name `PostgreSQL tests`.
 *
 * @example
 * describe.skipIf(postgresUnavailable('the ops PostgreSQL tests'))('backup on PostgreSQL', () => { ... });
 */
export function postgresUnavailable(suite = 'PostgreSQL tests'): string | undefined {
  if (postgresTestUrl()) return undefined;
  const why =
    'DATABASE_URL_TEST is not set (eval "$(.ci/services)" from the repo root starts a throwaway PostgreSQL and sets it)';
  if (process.env.CI === 'true') throw new PostgresTestServerError(`${suite} must run in CI: ${why}`);
  console.warn(`Skipping ${suite}: ${why}`);
  return why;
}

function requireServerUrl(adminUrl = postgresTestUrl()): string {
  if (!adminUrl) throw new PostgresTestServerError('DATABASE_URL_TEST is not set');
  return adminUrl;
}

/**
 * `serverUrl` with its database (and, given `credentials`, its user and password) replaced.
 *
 * @example
 * databaseUrl('postgres://admin@127.0.0.1:5432/postgres', 'chat_1', { user: 'app', password: 'pw' });
 * // 'postgres://app:pw@127.0.0.1:5432/chat_1'
 */
export function databaseUrl(
  serverUrl: string,
  database: string,
  credentials?: { user: string; password: string },
): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (credentials) {
    url.username = credentials.user;
    url.password = credentials.password;
  }
  return url.toString();
}

/**
 * Runs one statement as the test server's admin and returns its rows. Defaults to the admin URL's own database;
 * `database` names another on the same server.
 *
 * @example
 * await adminQuery('CREATE EXTENSION IF NOT EXISTS amcheck', [], db.name);
 */
export async function adminQuery<T = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
  database?: string,
  adminUrl?: string,
): Promise<T[]> {
  const server = requireServerUrl(adminUrl);
  const client = new (driver().Client)({ connectionString: database ? databaseUrl(server, database) : server });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export interface ScratchDatabaseOptions {
  /** Name prefix; a random suffix follows. Defaults to `chat_test`. */
  prefix?: string;
  /** Role that owns the database; `url` then logs in as it. Defaults to the admin. */
  owner?: { user: string; password: string };
  /** Admin URL of the server. Defaults to DATABASE_URL_TEST. */
  adminUrl?: string;
}

export interface ScratchDatabase {
  name: string;
  /** URL of the new database: the owner's credentials when given, else the admin's. */
  url: string;
  /** Drops it, ending connections a failed test left open. */
  drop(): Promise<void>;
}

/**
 * A new, empty UTF-8 database with a random name on the test server.
 *
 * @example
 * const db = await createScratchDatabase({ prefix: 'chat_store_test' });
 * afterAll(() => db.drop());
 * const store = await openChatStore({ url: db.url });
 */
export async function createScratchDatabase(options: ScratchDatabaseOptions = {}): Promise<ScratchDatabase> {
  const { prefix = 'chat_test', owner } = options;
  const adminUrl = requireServerUrl(options.adminUrl);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  // FILE_COPY: for small databases a file copy of template0 is several times faster than PostgreSQL 15's WAL_LOG.
  await adminQuery(
    `CREATE DATABASE ${name}${owner ? ` OWNER ${owner.user}` : ''} TEMPLATE template0 ENCODING 'UTF8' STRATEGY FILE_COPY`,
    [],
    undefined,
    adminUrl,
  );
  return {
    name,
    url: databaseUrl(adminUrl, name, owner),
    // FORCE ends connections a failed test left open (PostgreSQL 13+).
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, [], undefined, adminUrl);
    },
  };
}
