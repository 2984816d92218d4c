/**
 * Frozen migration: a reply being generated stays out of `messages_fts` until it is stored final. The stream stores
 * its partial text every few tokens (crash safety); with the old triggers each of those writes re-indexed the whole
 * growing reply (an FTS5 'delete' of the old text and an insert of the new), which cost the native stream about
 * 0.3× of its rate against `/v1` (issue #18). `chat_messages.streaming` (1 while the reply is generated) marks the
 * rows the index does not hold; the final store clears it and indexes the text once. Never edit; add a new one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // No default-value rewrite: SQLite adds a column with a constant default in the schema only.
  await sql`ALTER TABLE chat_messages ADD COLUMN streaming integer NOT NULL DEFAULT 0 CHECK (streaming IN (0, 1))`.execute(
    db,
  );
  // The few replies being generated, found without a scan (an index rebuild and the full check look them up).
  await sql`CREATE INDEX chat_messages_streaming_idx ON chat_messages (seq) WHERE streaming = 1`.execute(db);
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_ai`.execute(db);
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_ad`.execute(db);
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_au`.execute(db);
  // The same statements as search-index/index.ts's SEARCH_INDEX_TRIGGERS (the health check compares them).
  await sql`
    CREATE TRIGGER chat_messages_fts_ai AFTER INSERT ON chat_messages WHEN new.streaming = 0 BEGIN
      INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
    END`.execute(db);
  await sql`
    CREATE TRIGGER chat_messages_fts_ad AFTER DELETE ON chat_messages WHEN old.streaming = 0 BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
    END`.execute(db);
  // One trigger for both halves, so the 'delete' of what was indexed always runs before the insert of the new text.
  await sql`
    CREATE TRIGGER chat_messages_fts_au AFTER UPDATE OF content, session_id, streaming ON chat_messages
    WHEN old.streaming = 0 OR new.streaming = 0 BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id)
        SELECT 'delete', old.seq, old.content, old.session_id WHERE old.streaming = 0;
      INSERT INTO messages_fts(rowid, content, session_id)
        SELECT new.seq, new.content, new.session_id WHERE new.streaming = 0;
    END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_au`.execute(db);
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_ad`.execute(db);
  await sql`DROP TRIGGER IF EXISTS chat_messages_fts_ai`.execute(db);
  await sql`
    CREATE TRIGGER chat_messages_fts_ai AFTER INSERT ON chat_messages BEGIN
      INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
    END`.execute(db);
  await sql`
    CREATE TRIGGER chat_messages_fts_ad AFTER DELETE ON chat_messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
    END`.execute(db);
  await sql`
    CREATE TRIGGER chat_messages_fts_au AFTER UPDATE OF content, session_id ON chat_messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, content, session_id) VALUES ('delete', old.seq, old.content, old.session_id);
      INSERT INTO messages_fts(rowid, content, session_id) VALUES (new.seq, new.content, new.session_id);
    END`.execute(db);
  await sql`DROP INDEX IF EXISTS chat_messages_streaming_idx`.execute(db);
  await sql`ALTER TABLE chat_messages DROP COLUMN streaming`.execute(db);
}
