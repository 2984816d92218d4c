/** Frozen migration: messages_fts (FTS5 external content over chat_messages.content) and its sync triggers. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // External content: the text lives once, in chat_messages; the index reads it back by rowid (= seq).
  await sql`
    CREATE VIRTUAL TABLE messages_fts USING fts5(
      content,
      session_id UNINDEXED,
      content = 'chat_messages',
      content_rowid = 'seq',
      tokenize = 'unicode61 remove_diacritics 2'
    )`.execute(db);

  await sql`
    CREATE TRIGGER chat_messages_fts_ai AFTER INSERT ON chat_messages BEGIN
      INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
    END`.execute(db);

  // An external-content index must be told the old text to remove it ('delete' command).
  await sql`
    CREATE TRIGGER chat_messages_fts_ad AFTER DELETE ON chat_messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
    END`.execute(db);

  await sql`
    CREATE TRIGGER chat_messages_fts_au AFTER UPDATE OF content, session_id ON chat_messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
      INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
    END`.execute(db);

  // Index whatever rows already exist (a database restored from an older copy).
  await sql`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_au`.execute(db);
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_ad`.execute(db);
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_ai`.execute(db);
  await sql`DROP TABLE IF EXISTS messages_fts`.execute(db);
}
