/**
 * Frozen migration: attachments. File bytes are stored once per user (`attachment_blobs`, keyed by sha256), each
 * attachment row points at its bytes and, once sent, at its user message (deleted with it); large files are split
 * into `attachment_chunks` with an FTS5 index; `message_sources` keeps which chunks a reply was given.
 * Never edit; add a new migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE attachment_blobs (
      user_id text NOT NULL,
      sha256 text NOT NULL,
      size integer NOT NULL,
      data blob NOT NULL,
      created_at integer NOT NULL,
      PRIMARY KEY (user_id, sha256)
    )`.execute(db);
  await sql`
    CREATE TABLE attachments (
      id text PRIMARY KEY,
      user_id text NOT NULL,
      name text NOT NULL,
      mime text NOT NULL,
      size integer NOT NULL,
      sha256 text NOT NULL,
      text text NOT NULL,
      tokens integer,
      state text NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'indexing', 'error')),
      chunked integer NOT NULL DEFAULT 0 CHECK (chunked IN (0, 1)),
      message_id text REFERENCES chat_messages (id) ON DELETE CASCADE,
      position integer NOT NULL DEFAULT 0,
      created_at integer NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX attachments_user_idx ON attachments (user_id, created_at)`.execute(db);
  await sql`CREATE INDEX attachments_message_idx ON attachments (message_id, position)`.execute(db);
  await sql`CREATE INDEX attachments_blob_idx ON attachments (user_id, sha256)`.execute(db);
  await sql`CREATE INDEX attachments_unsent_idx ON attachments (created_at) WHERE message_id IS NULL`.execute(db);
  // The last attachment of a file gone (deleted, or with its message or chat): its bytes go too.
  await sql`
    CREATE TRIGGER attachments_blob_gc AFTER DELETE ON attachments
    WHEN NOT EXISTS (SELECT 1 FROM attachments WHERE user_id = old.user_id AND sha256 = old.sha256)
    BEGIN
      DELETE FROM attachment_blobs WHERE user_id = old.user_id AND sha256 = old.sha256;
    END`.execute(db);
  await sql`
    CREATE TABLE attachment_chunks (
      id integer PRIMARY KEY AUTOINCREMENT,
      attachment_id text NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
      user_id text NOT NULL,
      ordinal integer NOT NULL,
      start integer NOT NULL,
      "end" integer NOT NULL,
      heading text,
      page integer,
      text text NOT NULL,
      UNIQUE (attachment_id, ordinal)
    )`.execute(db);
  // columnsize=0: no docsize table (bm25 reads lengths from the chunks), so an empty index leaves no table that
  // `PRAGMA optimize` finds unanalyzed at every open, which would write to the file each time it is opened.
  await sql`
    CREATE VIRTUAL TABLE attachment_chunks_fts USING fts5(
      text, heading,
      content = 'attachment_chunks', content_rowid = 'id', columnsize = 0,
      tokenize = 'unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`
    CREATE TRIGGER attachment_chunks_ai AFTER INSERT ON attachment_chunks BEGIN
      INSERT INTO attachment_chunks_fts (rowid, text, heading) VALUES (new.id, new.text, coalesce(new.heading, ''));
    END`.execute(db);
  await sql`
    CREATE TRIGGER attachment_chunks_ad AFTER DELETE ON attachment_chunks BEGIN
      INSERT INTO attachment_chunks_fts (attachment_chunks_fts, rowid, text, heading)
        VALUES ('delete', old.id, old.text, coalesce(old.heading, ''));
    END`.execute(db);
  await sql`
    CREATE TABLE message_sources (
      message_id text PRIMARY KEY REFERENCES chat_messages (id) ON DELETE CASCADE,
      user_id text NOT NULL,
      sources text NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS message_sources`.execute(db);
  await sql`DROP TABLE IF EXISTS attachment_chunks_fts`.execute(db);
  await sql`DROP TABLE IF EXISTS attachment_chunks`.execute(db);
  await sql`DROP TABLE IF EXISTS attachments`.execute(db);
  await sql`DROP TABLE IF EXISTS attachment_blobs`.execute(db);
}
