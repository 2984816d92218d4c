/** PostgreSQL test databases on the server at DATABASE_URL_TEST (see .ci/services), each owned by a role with a password. */
import { randomBytes } from 'node:crypto';
import {
  adminQuery,
  createScratchDatabase,
  databaseUrl,
  postgresTestUrl,
  postgresUnavailable as unavailable,
  type ScratchDatabase,
} from '@chat-studio/test-support';

export { adminQuery };

/** Why the ops PostgreSQL tests will not run, or `undefined` when they will (throws under CI=true). */
export function postgresUnavailable(): string | undefined {
  return unavailable('the ops PostgreSQL tests');
}

/** The admin's URL for `database` (a superuser on the throwaway server .ci/services starts). */
export function adminUrl(database: string): string {
  return databaseUrl(postgresTestUrl()!, database);
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
  if (!postgresTestUrl()) throw new Error('DATABASE_URL_TEST is not set');
  const user = `ops_test_${randomBytes(5).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  await adminQuery(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
  const databases: ScratchDatabase[] = [];
  return {
    user,
    password,
    async createDatabase(prefix = 'ops_test') {
      const db = await createScratchDatabase({ prefix, owner: { user, password } });
      databases.push(db);
      let amcheck = true;
      try {
        // What an administrator does once so the application's role may run amcheck (PostgreSQL's documented grants).
        await adminQuery('CREATE EXTENSION IF NOT EXISTS amcheck', [], db.name);
        await adminQuery(`GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO ${user}`, [], db.name);
      } catch {
        amcheck = false;
      }
      return { name: db.name, url: db.url, amcheck };
    },
    async drop() {
      for (const db of databases.splice(0)) await db.drop();
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
