/**
 * Frozen PostgreSQL migration: attachments, as on SQLite. File bytes once per user (`attachment_blobs`), attachment
 * rows deleted with their message, chunks of large files with a tsvector over their text, and the chunks a reply was
 * given (`message_sources`). Never edit.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE attachment_blobs (
      user_id text NOT NULL,
      sha256 text NOT NULL,
      size bigint NOT NULL,
      data bytea NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (user_id, sha256)
    )`.execute(db);
  await sql`
    CREATE TABLE attachments (
      id text PRIMARY KEY,
      user_id text NOT NULL,
      name text NOT NULL,
      mime text NOT NULL,
      size bigint NOT NULL,
      sha256 text NOT NULL,
      text text NOT NULL,
      tokens integer,
      state text NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'indexing', 'error')),
      chunked boolean NOT NULL DEFAULT false,
      message_id text REFERENCES chat_messages (id) ON DELETE CASCADE,
      position integer NOT NULL DEFAULT 0,
      created_at bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX attachments_user_idx ON attachments (user_id, created_at)`.execute(db);
  await sql`CREATE INDEX attachments_message_idx ON attachments (message_id, position)`.execute(db);
  await sql`CREATE INDEX attachments_blob_idx ON attachments (user_id, sha256)`.execute(db);
  await sql`CREATE INDEX attachments_unsent_idx ON attachments (created_at) WHERE message_id IS NULL`.execute(db);
  // The last attachment of a file gone (deleted, or with its message or chat): its bytes go too.
  await sql`
    CREATE FUNCTION attachments_blob_gc() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM attachment_blobs b
       WHERE b.user_id = OLD.user_id AND b.sha256 = OLD.sha256
         AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.user_id = OLD.user_id AND a.sha256 = OLD.sha256);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER attachments_blob_gc AFTER DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_blob_gc()`.execute(db);
  await sql`
    CREATE TABLE attachment_chunks (
      id bigserial PRIMARY KEY,
      attachment_id text NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
      user_id text NOT NULL,
      ordinal integer NOT NULL,
      start integer NOT NULL,
      "end" integer NOT NULL,
      heading text,
      page integer,
      text text NOT NULL,
      text_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('chat_search'::regconfig, coalesce(heading, '') || ' ' || text)
      ) STORED,
      UNIQUE (attachment_id, ordinal)
    )`.execute(db);
  await sql`CREATE INDEX attachment_chunks_tsv_idx ON attachment_chunks USING gin (text_tsv)`.execute(db);
  await sql`CREATE INDEX attachment_chunks_user_idx ON attachment_chunks (user_id)`.execute(db);
  await sql`
    CREATE TABLE message_sources (
      message_id text PRIMARY KEY REFERENCES chat_messages (id) ON DELETE CASCADE,
      user_id text NOT NULL,
      sources text NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS message_sources`.execute(db);
  await sql`DROP TABLE IF EXISTS attachment_chunks`.execute(db);
  await sql`DROP TABLE IF EXISTS attachments`.execute(db);
  await sql`DROP FUNCTION IF EXISTS attachments_blob_gc() CASCADE`.execute(db);
  await sql`DROP TABLE IF EXISTS attachment_blobs`.execute(db);
}
