/** Frozen PostgreSQL migration: chat_imports, so the same import file never creates a chat twice. Never edit. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // `source` is `<format>:<the chat's id in that format>`; the row goes with its chat.
  await sql`
    CREATE TABLE chat_imports (
      user_id text NOT NULL,
      source text NOT NULL,
      session_id text NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
      imported_at bigint NOT NULL,
      PRIMARY KEY (user_id, source)
    )`.execute(db);
  await sql`CREATE INDEX chat_imports_session_idx ON chat_imports (session_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS chat_imports`.execute(db);
}
