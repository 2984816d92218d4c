/**
 * Frozen migration: user roles, service keys, the `interrupted` reply status, and the registry of live server
 * processes with the replies each is streaming (crash recovery, `pnpm stop --all`). Never edit; add a new one.
 */
import { sql, type Kysely } from 'kysely';

const OLD_STATUS_CHECK = "status in ('complete', 'partial', 'error')";
const NEW_STATUS_CHECK = "status in ('complete', 'partial', 'error', 'interrupted')";
const LOCAL_USER_ID = '00000000000000000000000000';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user'))`.execute(
    db,
  );
  // An existing deployment keeps someone who may switch models: its first account with a password.
  await sql`
    UPDATE users SET role = 'admin' WHERE id = (
      SELECT id FROM users WHERE id <> ${LOCAL_USER_ID} AND password_hash IS NOT NULL ORDER BY created_at, id LIMIT 1)`.execute(
    db,
  );
  await sql`ALTER TABLE api_keys ADD COLUMN service integer NOT NULL DEFAULT 0 CHECK (service IN (0, 1))`.execute(db);

  // Widening a CHECK list leaves every stored row valid, so SQLite's documented schema edit is enough (a table
  // rebuild would have to drop and re-create the FTS triggers and every referencing table). migrate.ts lifts
  // better-sqlite3's defensive mode for the migration run only.
  await sql`PRAGMA writable_schema = ON`.execute(db);
  const { numAffectedRows } = await sql`
    UPDATE sqlite_schema SET sql = replace(sql, ${OLD_STATUS_CHECK}, ${NEW_STATUS_CHECK})
    WHERE type = 'table' AND name = 'chat_messages' AND instr(sql, ${OLD_STATUS_CHECK}) > 0`.execute(db);
  const { rows } = await sql<{ schema_version: number }>`PRAGMA schema_version`.execute(db);
  await sql.raw(`PRAGMA schema_version = ${Number(rows[0]!.schema_version) + 1}`).execute(db);
  await sql`PRAGMA writable_schema = OFF`.execute(db);
  if (Number(numAffectedRows ?? 0) !== 1) throw new Error('chat_messages has no status check this migration knows');

  await sql`
    CREATE TABLE server_processes (
      id text PRIMARY KEY,
      instance text NOT NULL,
      host text NOT NULL,
      pid integer NOT NULL,
      port integer NOT NULL,
      pid_file text,
      started_at integer NOT NULL,
      heartbeat_at integer NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE streaming_replies (
      message_id text PRIMARY KEY REFERENCES chat_messages (id) ON DELETE CASCADE,
      process_id text NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS streaming_replies`.execute(db);
  await sql`DROP TABLE IF EXISTS server_processes`.execute(db);
}
