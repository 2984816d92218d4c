/**
 * Frozen migration: a covering index for the question a chunk-vector search asks of each file it scans (its owner,
 * whether it is chunked, the version of its vectors). Those columns come after the file's whole extracted text in
 * the row, so without it every turn read each large file's text (megabytes of overflow pages) to learn a number:
 * 20 files of 5,000 chunks took ~15 ms of a hybrid retrieval. Never edit; add a new migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX attachments_vector_version_idx ON attachments (id, user_id, chunked, index_version)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS attachments_vector_version_idx`.execute(db);
}
