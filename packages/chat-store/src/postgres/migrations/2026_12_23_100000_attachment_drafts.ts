/**
 * Frozen PostgreSQL migration: unsent attachments are drafts kept until the user deletes them (never swept), so the composer
 * lists them again after a reload. `session_id` is the chat a draft was uploaded in (null: none named); a chat's
 * delete leaves its drafts as the user's, unbound. Never edit; add a new migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE attachments ADD COLUMN session_id text REFERENCES chat_sessions (id) ON DELETE SET NULL`.execute(
    db,
  );
  // The composer's list: a user's drafts, newest first (optionally those of one chat).
  await sql`DROP INDEX IF EXISTS attachments_unsent_idx`.execute(db);
  await sql`CREATE INDEX attachments_drafts_idx ON attachments (user_id, created_at) WHERE message_id IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS attachments_drafts_idx`.execute(db);
  await sql`CREATE INDEX attachments_unsent_idx ON attachments (created_at) WHERE message_id IS NULL`.execute(db);
  await sql`ALTER TABLE attachments DROP COLUMN session_id`.execute(db);
}
