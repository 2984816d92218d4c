/**
 * Frozen migration: chunk vectors (hybrid retrieval over large attachments), as float32 blobs on the chunk rows
 * themselves, so a vector goes with its chunk, and so with its file, message and chat. A turn scans the vectors of its
 * own files in process (`ChunkVectorCache`), which measured several times faster than a sqlite-vec KNN per file.
 * Never edit; add a new migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row at most: the model every chunk vector belongs to (kept apart from message vectors' model, so a change
  // seen by one side never hides it from the other).
  await sql`
    CREATE TABLE chunk_embedding_model (
      id integer PRIMARY KEY CHECK (id = 1),
      model text NOT NULL,
      dims integer NOT NULL CHECK (dims > 0),
      updated_at integer NOT NULL
    )`.execute(db);
  // 1 once the chunk has a vector of the recorded model (`embedding`, float32 bytes).
  await sql`ALTER TABLE attachment_chunks ADD COLUMN embedded integer NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE attachment_chunks ADD COLUMN embedding blob`.execute(db);
  // Bumped whenever the file's vectors change: a process's in-memory copy of them is valid while it is equal.
  await sql`ALTER TABLE attachments ADD COLUMN index_version integer NOT NULL DEFAULT 0`.execute(db);
  // Why a chunked attachment is in state `error` (no model can embed, …); null otherwise.
  await sql`ALTER TABLE attachments ADD COLUMN index_error text`.execute(db);
  await sql`
    CREATE INDEX attachment_chunks_unembedded_idx ON attachment_chunks (attachment_id, ordinal)
     WHERE embedded = 0`.execute(db);
  await sql`
    CREATE INDEX attachments_indexing_idx ON attachments (created_at, id)
     WHERE chunked = 1 AND state <> 'ready'`.execute(db);
  // Files chunked before vectors existed are embedded now, in the background.
  await sql`UPDATE attachments SET state = 'indexing' WHERE chunked = 1 AND state = 'ready'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS attachments_indexing_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS attachment_chunks_unembedded_idx`.execute(db);
  await sql`ALTER TABLE attachments DROP COLUMN index_version`.execute(db);
  await sql`ALTER TABLE attachments DROP COLUMN index_error`.execute(db);
  await sql`ALTER TABLE attachment_chunks DROP COLUMN embedding`.execute(db);
  await sql`ALTER TABLE attachment_chunks DROP COLUMN embedded`.execute(db);
  await sql`DROP TABLE IF EXISTS chunk_embedding_model`.execute(db);
}
