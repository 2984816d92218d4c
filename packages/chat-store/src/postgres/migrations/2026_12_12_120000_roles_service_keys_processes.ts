/**
 * Frozen PostgreSQL migration: user roles, service keys, the `interrupted` reply status, and the registry of live
 * server processes with the replies each is streaming (crash recovery, `pnpm stop --all`). Never edit; add a new one.
 */
import { sql, type Kysely } from 'kysely';

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

  await sql`ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_status_check`.execute(db);
  await sql`
    ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_status_check
      CHECK (status IN ('complete', 'partial', 'error', 'interrupted'))`.execute(db);

  await sql`
    CREATE TABLE server_processes (
      id text PRIMARY KEY,
      instance text NOT NULL,
      host text NOT NULL,
      pid integer NOT NULL,
      port integer NOT NULL,
      pid_file text,
      started_at bigint NOT NULL,
      heartbeat_at bigint NOT NULL
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
  await sql`ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_status_check`.execute(db);
  await sql`ALTER TABLE chat_messages ADD CONSTRAINT chat_messages_status_check CHECK (status IN ('complete', 'partial', 'error'))`.execute(
    db,
  );
  await sql`ALTER TABLE api_keys DROP COLUMN service`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN role`.execute(db);
}
