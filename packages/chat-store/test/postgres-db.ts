/** Test helper: fresh PostgreSQL databases on the server at DATABASE_URL_TEST (see .ci/services), dropped afterwards. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openChatStore, type ChatStore, type ChatStoreOptions } from '../src/index.js';

/** Admin URL of the test server; tests CREATE DATABASE through it. */
export const POSTGRES_TEST_URL = process.env.DATABASE_URL_TEST?.trim() || undefined;

/**
 * Why PostgreSQL tests will not run, or `undefined` when they will. Under CI=true a missing server is an error,
 * so a broken CI setup cannot pass by skipping.
 */
export function postgresUnavailable(): string | undefined {
  if (POSTGRES_TEST_URL) return undefined;
  const why = 'DATABASE_URL_TEST is not set (eval "$(.ci/services)" starts a throwaway PostgreSQL and sets it)';
  if (process.env.CI === 'true') throw new Error(`PostgreSQL tests must run in CI: ${why}`);
  console.warn(`Skipping PostgreSQL tests: ${why}`);
  return why;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new empty database with a random name. */
export async function createTestDatabase(prefix = 'chat_store_test'): Promise<TestDatabase> {
  const admin = POSTGRES_TEST_URL;
  if (!admin) throw new Error('DATABASE_URL_TEST is not set');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  // FILE_COPY: for small databases a file copy of template0 is several times faster than PostgreSQL 15's WAL_LOG.
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' STRATEGY FILE_COPY`);
  return {
    name,
    url: withDatabase(admin, name),
    // FORCE ends connections a failed test left open (PostgreSQL 13+).
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Runs one statement as the test server's admin, on its default database (or `database`). */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = [], database?: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database ? withDatabase(POSTGRES_TEST_URL!, database) : POSTGRES_TEST_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export interface TempPostgresStore {
  store: ChatStore;
  db: TestDatabase;
  cleanup(): Promise<void>;
}

/** A store on a fresh database; cleanup closes it and drops the database. */
export async function openTempPostgresStore(options: Omit<ChatStoreOptions, 'url' | 'path'> = {}): Promise<TempPostgresStore> {
  const db = await createTestDatabase();
  const store = await openChatStore({ ...options, url: db.url });
  return {
    store,
    db,
    async cleanup() {
      await store.close();
      await db.drop();
    },
  };
}
