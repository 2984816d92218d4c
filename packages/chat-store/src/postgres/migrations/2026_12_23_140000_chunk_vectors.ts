/**
 * Frozen PostgreSQL migration: chunk vectors for hybrid retrieval over large attachments, as `real[]` rows (pgvector is
 * not packaged everywhere) that a turn scans in process (`ChunkVectorCache`). A vector goes with its chunk (foreign
 * key), so with its attachment and message. Never edit.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE chunk_embedding_model (
      id integer PRIMARY KEY CHECK (id = 1),
      model text NOT NULL,
      dims integer NOT NULL CHECK (dims > 0),
      updated_at bigint NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE chunk_vectors (
      chunk_id bigint PRIMARY KEY REFERENCES attachment_chunks (id) ON DELETE CASCADE,
      attachment_id text NOT NULL,
      user_id text NOT NULL,
      embedding real[] NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX chunk_vectors_attachment_idx ON chunk_vectors (attachment_id)`.execute(db);
  await sql`ALTER TABLE attachment_chunks ADD COLUMN embedded boolean NOT NULL DEFAULT false`.execute(db);
  await sql`ALTER TABLE attachments ADD COLUMN index_error text`.execute(db);
  // Bumped whenever the file's vectors change: a process's in-memory copy of them is valid while it is equal.
  await sql`ALTER TABLE attachments ADD COLUMN index_version integer NOT NULL DEFAULT 0`.execute(db);
  await sql`
    CREATE INDEX attachment_chunks_unembedded_idx ON attachment_chunks (attachment_id, ordinal)
     WHERE NOT embedded`.execute(db);
  await sql`
    CREATE INDEX attachments_indexing_idx ON attachments (created_at, id)
     WHERE chunked AND state <> 'ready'`.execute(db);
  // Files chunked before vectors existed are embedded now, in the background.
  await sql`UPDATE attachments SET state = 'indexing' WHERE chunked AND state = 'ready'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS attachments_indexing_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS attachment_chunks_unembedded_idx`.execute(db);
  await sql`ALTER TABLE attachments DROP COLUMN IF EXISTS index_version`.execute(db);
  await sql`ALTER TABLE attachments DROP COLUMN IF EXISTS index_error`.execute(db);
  await sql`ALTER TABLE attachment_chunks DROP COLUMN IF EXISTS embedded`.execute(db);
  await sql`DROP TABLE IF EXISTS chunk_vectors`.execute(db);
  await sql`DROP TABLE IF EXISTS chunk_embedding_model`.execute(db);
}
