/** PostgreSQL test databases on the server at DATABASE_URL_TEST (see .ci/services), each owned by a role with a password. */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../src/config/index.js';

interface PgClient {
  connect(): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  end(): Promise<void>;
}

// The driver is the chat store's own dependency; borrowing it keeps this package free of a second copy.
const pg = createRequire(path.join(REPO_ROOT, 'packages/chat-store/package.json'))('pg') as { Client: new (options: { connectionString: string }) => PgClient };

/** Admin URL of the test server; tests CREATE ROLE and CREATE DATABASE through it. */
export const POSTGRES_TEST_URL = process.env.DATABASE_URL_TEST?.trim() || undefined;

/**
 * Why the PostgreSQL tests will not run, or `undefined` when they will. Under CI=true a missing server is an
 * error, so a broken CI setup cannot pass by skipping.
 */
export function postgresUnavailable(): string | undefined {
  if (POSTGRES_TEST_URL) return undefined;
  const why = 'DATABASE_URL_TEST is not set (eval "$(.ci/services)" from the repo root starts a throwaway PostgreSQL and sets it)';
  if (process.env.CI === 'true') throw new Error(`PostgreSQL tests must run in CI: ${why}`);
  console.warn(`Skipping the ops PostgreSQL tests: ${why}`);
  return why;
}

function withDatabase(url: string, database: string, credentials?: { user: string; password: string }): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (credentials) {
    u.username = credentials.user;
    u.password = credentials.password;
  }
  return u.toString();
}

/** The admin's URL for `database` (a superuser on the throwaway server .ci/services starts). */
export function adminUrl(database: string): string {
  return withDatabase(POSTGRES_TEST_URL!, database);
}

/** Runs statements as the test server's admin, on its default database or on `database`. */
export async function adminQuery<T = Record<string, unknown>>(text: string, params: unknown[] = [], database?: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database ? withDatabase(POSTGRES_TEST_URL!, database) : POSTGRES_TEST_URL! });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  /** URL with the owner role's password in it, as a deployment's DATABASE_URL would be. */
  url: string;
  /** `true` when amcheck could be installed, so integrity checks run instead of being skipped. */
  amcheck: boolean;
}

export interface TestRole {
  user: string;
  password: string;
  /** A new empty database owned by this role, with amcheck installed and granted where the admin can. */
  createDatabase(prefix?: string): Promise<TestDatabase>;
  /** Drops every database made here, then the role. */
  drop(): Promise<void>;
}

/** A login role with a random password (not a superuser, like an application's role). */
export async function createTestRole(): Promise<TestRole> {
  if (!POSTGRES_TEST_URL) throw new Error('DATABASE_URL_TEST is not set');
  const user = `ops_test_${randomBytes(5).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  await adminQuery(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
  const databases: string[] = [];
  return {
    user,
    password,
    async createDatabase(prefix = 'ops_test') {
      const name = `${prefix}_${randomBytes(6).toString('hex')}`;
      await adminQuery(`CREATE DATABASE ${name} OWNER ${user} TEMPLATE template0 ENCODING 'UTF8'`);
      databases.push(name);
      let amcheck = true;
      try {
        // What an administrator does once so the application's role may run amcheck (PostgreSQL's documented grants).
        await adminQuery('CREATE EXTENSION IF NOT EXISTS amcheck', [], name);
        await adminQuery(`GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO ${user}`, [], name);
      } catch {
        amcheck = false;
      }
      return { name, url: withDatabase(POSTGRES_TEST_URL!, name, { user, password }), amcheck };
    },
    async drop() {
      // FORCE ends connections a failed test left open (PostgreSQL 13+).
      for (const name of databases.splice(0)) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await adminQuery(`DROP ROLE IF EXISTS ${user}`);
    },
  };
}

/** Every session and message row of `database`, in id order, as one comparable value. */
export async function snapshotPostgres(database: string): Promise<{ sessions: unknown[]; messages: unknown[] }> {
  return {
    sessions: await adminQuery('SELECT * FROM chat_sessions ORDER BY id', [], database),
    messages: await adminQuery('SELECT * FROM chat_messages ORDER BY id', [], database),
  };
}
