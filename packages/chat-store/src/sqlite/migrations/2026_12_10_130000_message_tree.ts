/**
 * Frozen migration: messages form a tree. `chat_messages.parent_id` names the message each one follows (NULL for a
 * chat's first message), `chat_sessions.current_leaf_id` the end of the branch the chat shows. Existing chats become
 * one branch each: every message's parent is the one before it (by seq), the leaf is the newest. Never edit; add a
 * new migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // No ON DELETE action: a subtree is deleted in one statement (the check runs at its end), and a cascade through a
  // 10,000-message branch would nest one trigger per message, past SQLite's trigger depth limit.
  await sql`ALTER TABLE chat_messages ADD COLUMN parent_id TEXT REFERENCES chat_messages (id)`.execute(db);
  await sql`ALTER TABLE chat_sessions ADD COLUMN current_leaf_id TEXT`.execute(db);

  // parent_id is not a column the FTS triggers watch, so the search index is left as it is.
  await sql`
    UPDATE chat_messages SET parent_id = prev.parent
    FROM (SELECT seq, lag(id) OVER (PARTITION BY session_id ORDER BY seq) AS parent FROM chat_messages) AS prev
    WHERE prev.seq = chat_messages.seq AND prev.parent IS NOT NULL`.execute(db);
  await sql`
    UPDATE chat_sessions SET current_leaf_id = (
      SELECT m.id FROM chat_messages m WHERE m.session_id = chat_sessions.id ORDER BY m.seq DESC LIMIT 1
    )`.execute(db);

  // Children of a message (siblings, subtree walks, the foreign key check on delete), and a chat's first messages.
  await sql`CREATE INDEX chat_messages_parent_idx ON chat_messages (parent_id, seq)`.execute(db);
  await sql`CREATE INDEX chat_messages_roots_idx ON chat_messages (session_id, seq) WHERE parent_id IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS chat_messages_roots_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS chat_messages_parent_idx`.execute(db);
  await sql`ALTER TABLE chat_sessions DROP COLUMN current_leaf_id`.execute(db);
  await sql`ALTER TABLE chat_messages DROP COLUMN parent_id`.execute(db);
}
