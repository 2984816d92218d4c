/** Frozen migration: chat_imports, which chats came from which import, so the same file never imports twice. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // `source` is `<format>:<the chat's id in that format>`. Deleting the imported chat deletes the row, so the
  // chat may then be imported again.
  await sql`
    CREATE TABLE chat_imports (
      user_id text NOT NULL,
      source text NOT NULL,
      session_id text NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
      imported_at integer NOT NULL,
      PRIMARY KEY (user_id, source)
    )`.execute(db);
  await sql`CREATE INDEX chat_imports_session_idx ON chat_imports (session_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS chat_imports`.execute(db);
}
