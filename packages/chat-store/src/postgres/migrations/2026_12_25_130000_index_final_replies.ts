/**
 * Frozen migration: a reply being generated stays out of the full-text index until it is stored final. The stream
 * stores its partial text every few tokens (crash safety); `content_tsv` was generated from `content` alone, so each
 * of those writes ran `to_tsvector` over the whole growing reply and added a new GIN entry (issue #18: the native
 * stream at about 0.6× of `/v1`'s rate). With `streaming` (1 while generated) the column is NULL until the final
 * store clears it: the flushes leave the indexed column unchanged (HOT updates, no GIN work) and the text is indexed
 * once. PostgreSQL 15 cannot change a generated column's expression in place, so the column and its index are
 * made again (one table rewrite). Never edit; add a new one.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE chat_messages ADD COLUMN streaming smallint NOT NULL DEFAULT 0 CHECK (streaming IN (0, 1))`.execute(
    db,
  );
  // The search functions name content_tsv in their text only (plpgsql/EXECUTE): they keep working on the new column.
  await sql`ALTER TABLE chat_messages DROP COLUMN content_tsv`.execute(db);
  await sql`
    ALTER TABLE chat_messages ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS (
      CASE WHEN streaming = 0 THEN to_tsvector('chat_search'::regconfig, content) END) STORED`.execute(db);
  await sql`CREATE INDEX chat_messages_content_tsv_idx ON chat_messages USING gin (content_tsv)
    WITH (gin_pending_list_limit = 256)`.execute(db);
  await sql`ANALYZE chat_messages`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE chat_messages DROP COLUMN content_tsv`.execute(db);
  await sql`
    ALTER TABLE chat_messages ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS (
      to_tsvector('chat_search'::regconfig, content)) STORED`.execute(db);
  await sql`CREATE INDEX chat_messages_content_tsv_idx ON chat_messages USING gin (content_tsv)
    WITH (gin_pending_list_limit = 256)`.execute(db);
  await sql`ALTER TABLE chat_messages DROP COLUMN streaming`.execute(db);
}
